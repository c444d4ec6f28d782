package dev.whispem.minikv.node.replication;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Commands a member hands to its group's leader, so that the leader's proposer coalesces the whole
 * group's writes into its own log entries (as etcd's followers forward proposals), instead of each
 * member proposing entries of its own. They travel as a Ratis stale-read query to the leader and
 * never enter the log themselves.
 *
 * <p>Wire format: request {@code 'P' | CommandCodec payload}; answer {@code 'O' | OutcomeCodec
 * payload} when the leader proposed them and they committed, {@code 'N'} when the receiver was not
 * the leader and proposed nothing (the sender may then propose them another way), or {@code 'R'}
 * when it led but handed leadership over before its log took any of them (the sender sends them
 * again once the hand-over settles; a release before this answer reads it as malformed and leaves
 * their outcome unknown, as it did for such a failure).
 */
final class ForwardedProposals {

    private static final byte REQUEST = 'P';
    private static final byte OUTCOMES = 'O';
    private static final byte NOT_LEADER = 'N';
    private static final byte REFUSED = 'R';

    private ForwardedProposals() {}

    static byte[] request(byte[] proposals) {
        byte[] out = new byte[proposals.length + 1];
        out[0] = REQUEST;
        System.arraycopy(proposals, 0, out, 1, proposals.length);
        return out;
    }

    /** Whether a query is a forwarding request; {@link ReadQuery} types never start with 'P'. */
    static boolean isRequest(byte[] query) {
        return query.length > 0 && query[0] == REQUEST;
    }

    static byte[] proposalsOf(byte[] request) {
        return Arrays.copyOfRange(request, 1, request.length);
    }

    static byte[] outcomes(List<Outcome> outcomes) {
        byte[] encoded = OutcomeCodec.encode(outcomes);
        byte[] out = new byte[encoded.length + 1];
        out[0] = OUTCOMES;
        System.arraycopy(encoded, 0, out, 1, encoded.length);
        return out;
    }

    static byte[] notLeader() {
        return new byte[] {NOT_LEADER};
    }

    static byte[] refused() {
        return new byte[] {REFUSED};
    }

    /**
     * The outcomes of a forwarded request, or empty when the receiver was not the leader.
     *
     * @throws NeverApplied when the leader handed leadership over before proposing them, or its
     *     entry was dropped by the next leader
     * @throws IllegalArgumentException for any other answer
     */
    static Optional<List<Outcome>> decode(byte[] answer) {
        if (answer.length == 1 && answer[0] == NOT_LEADER) {
            return Optional.empty();
        }
        if (answer.length == 1 && answer[0] == REFUSED) {
            throw new NeverApplied(
                    "the leader's term ended and the forwarded commands were never applied");
        }
        if (answer.length > 0 && answer[0] == OUTCOMES) {
            return Optional.of(OutcomeCodec.decode(Arrays.copyOfRange(answer, 1, answer.length)));
        }
        throw new IllegalArgumentException("malformed answer to forwarded commands");
    }
}
