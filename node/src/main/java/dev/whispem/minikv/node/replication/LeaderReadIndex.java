package dev.whispem.minikv.node.replication;

import java.nio.ByteBuffer;
import java.util.OptionalLong;

/**
 * A follower's question to its group's leader for a read index, sent the way forwarded commands go
 * ({@link ForwardedProposals}: a Ratis stale-read query to the leader). The leader answers from its
 * own read barrier, which its lease usually settles without a round trip; the follower then waits
 * until it has applied that index and reads locally. Ratis' own follower ReadIndex costs a server
 * RPC and a heartbeat per round (docs/performance.md); this costs one client call.
 *
 * <p>Wire format: request {@code 'R'}; answer {@code 'I' | index (8 bytes, big-endian)}, or {@code
 * 'N'} when the receiver does not lead the group.
 */
final class LeaderReadIndex {

    private static final byte REQUEST = 'R';
    private static final byte INDEX = 'I';
    private static final byte NOT_LEADER = 'N';

    private LeaderReadIndex() {}

    static byte[] request() {
        return new byte[] {REQUEST};
    }

    /** Whether a query asks for a read index; {@link ReadQuery} types never start with 'R'. */
    static boolean isRequest(byte[] query) {
        return query.length == 1 && query[0] == REQUEST;
    }

    static byte[] answer(long index) {
        return ByteBuffer.allocate(9).put(INDEX).putLong(index).array();
    }

    static byte[] notLeader() {
        return new byte[] {NOT_LEADER};
    }

    /**
     * The read index answered, or empty when the receiver was not the leader.
     *
     * @throws IllegalArgumentException for any other answer
     */
    static OptionalLong decode(byte[] answer) {
        if (answer.length == 1 && answer[0] == NOT_LEADER) {
            return OptionalLong.empty();
        }
        if (answer.length == 9 && answer[0] == INDEX) {
            long index = ByteBuffer.wrap(answer, 1, 8).getLong();
            if (index >= 0) {
                return OptionalLong.of(index);
            }
        }
        throw new IllegalArgumentException("malformed answer to a read-index request");
    }
}
