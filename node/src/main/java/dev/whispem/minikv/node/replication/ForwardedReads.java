package dev.whispem.minikv.node.replication;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads ({@link ReadQuery}: point reads and scans) of a group this node does not host, handed to
 * the group's leader in one batch, the way forwarded commands go ({@link ForwardedProposals}: a
 * Ratis stale-read query to the leader). The leader answers them all after one round of its own
 * read barrier, which its lease usually settles without a message; each read on its own would cost
 * a Ratis read-only request and a ReadIndex of its own (docs/performance.md).
 *
 * <p>Wire format: request {@code 'Q' | count | (length | query)*}; answer {@code 'A' | count |
 * (status | length | bytes)*} with status 0 (bytes: the {@link ReadQuery} answer), 1 (bytes: why
 * the read failed, UTF-8) or 2 (not answered: the answer grew past {@link #ANSWER_BUDGET}; bytes
 * empty), or {@code 'N' | leader id (UTF-8, may be empty)} when the receiver does not lead the
 * group. Counts and lengths are 4-byte big-endian.
 */
final class ForwardedReads {

    /**
     * Bytes of read answers the leader puts in one reply before it leaves the rest unanswered, well
     * under gRPC's message limit however large the values are; the sender reads those one by one.
     */
    static final int ANSWER_BUDGET = 8 << 20;

    private static final byte REQUEST = 'Q';
    private static final byte ANSWERS = 'A';
    private static final byte NOT_LEADER = 'N';
    private static final byte ANSWERED = 0;
    private static final byte FAILED = 1;
    private static final byte SKIPPED = 2;

    private ForwardedReads() {}

    /** One read's answer, or why it failed, or neither when the leader left it unanswered. */
    record Answer(byte[] value, String error) {
        static final Answer SKIPPED_ANSWER = new Answer(null, null);

        boolean answered() {
            return value != null;
        }

        boolean skipped() {
            return value == null && error == null;
        }
    }

    /** Whether an answer carries answers (the receiver led the group). */
    static boolean isAnswer(byte[] answer) {
        return answer.length > 0 && answer[0] == ANSWERS;
    }

    static byte[] request(List<byte[]> queries) {
        int size = 5;
        for (byte[] q : queries) {
            size += 4 + q.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).put(REQUEST).putInt(queries.size());
        for (byte[] q : queries) {
            out.putInt(q.length).put(q);
        }
        return out.array();
    }

    /** Whether a query is a batch of reads; {@link ReadQuery} types never start with 'Q'. */
    static boolean isRequest(byte[] query) {
        return query.length > 0 && query[0] == REQUEST;
    }

    /**
     * The reads of a request.
     *
     * @throws IllegalArgumentException when it is malformed
     */
    static List<byte[]> queriesOf(byte[] request) {
        try {
            ByteBuffer in = ByteBuffer.wrap(request);
            if (in.get() != REQUEST) {
                throw new IllegalArgumentException("not a batch of forwarded reads");
            }
            int count = in.getInt();
            if (count < 0 || count > in.remaining() / 4) {
                throw new IllegalArgumentException("malformed batch of forwarded reads");
            }
            List<byte[]> queries = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                queries.add(bytes(in));
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException("trailing bytes after forwarded reads");
            }
            return queries;
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated batch of forwarded reads", e);
        }
    }

    /**
     * Encodes the answers, leaving unanswered those that come after {@link #ANSWER_BUDGET} bytes of
     * answers (never the first).
     */
    static byte[] answers(List<Answer> answers) {
        List<Answer> sent = new ArrayList<>(answers.size());
        int size = 5;
        for (Answer a : answers) {
            int length = bytesOf(a).length;
            boolean fits = sent.isEmpty() || size + 5 + length <= ANSWER_BUDGET;
            sent.add(fits ? a : Answer.SKIPPED_ANSWER);
            size += 5 + (fits ? length : 0);
        }
        ByteBuffer out = ByteBuffer.allocate(size).put(ANSWERS).putInt(sent.size());
        for (Answer a : sent) {
            byte[] bytes = bytesOf(a);
            out.put(a.answered() ? ANSWERED : a.skipped() ? SKIPPED : FAILED)
                    .putInt(bytes.length)
                    .put(bytes);
        }
        return out.array();
    }

    /** The answer of a member that does not lead; {@code leader} is the one it knows, or null. */
    static byte[] notLeader(String leader) {
        byte[] id = leader == null ? new byte[0] : leader.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + id.length).put(NOT_LEADER).put(id).array();
    }

    /**
     * The leader named in a "not leader" answer: a node outside the group has only its Ratis
     * client's guess, which that client does not correct after a leader change.
     */
    static Optional<String> leaderHint(byte[] answer) {
        if (answer.length > 1 && answer[0] == NOT_LEADER) {
            return Optional.of(new String(answer, 1, answer.length - 1, StandardCharsets.UTF_8));
        }
        return Optional.empty();
    }

    /**
     * The answers of a batch, in request order, or empty when the receiver was not the leader.
     *
     * @throws IllegalArgumentException for a malformed answer, or one whose count differs from the
     *     {@code expected} number of reads
     */
    static Optional<List<Answer>> decode(byte[] answer, int expected) {
        if (answer.length > 0 && answer[0] == NOT_LEADER) {
            return Optional.empty();
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(answer);
            if (in.get() != ANSWERS || in.getInt() != expected) {
                throw new IllegalArgumentException("malformed answer to forwarded reads");
            }
            List<Answer> answers = new ArrayList<>(expected);
            for (int i = 0; i < expected; i++) {
                byte status = in.get();
                byte[] bytes = bytes(in);
                answers.add(
                        switch (status) {
                            case ANSWERED -> new Answer(bytes, null);
                            case FAILED ->
                                    new Answer(null, new String(bytes, StandardCharsets.UTF_8));
                            case SKIPPED -> Answer.SKIPPED_ANSWER;
                            default ->
                                    throw new IllegalArgumentException(
                                            "unknown status " + status + " of a forwarded read");
                        });
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException("trailing bytes after forwarded read answers");
            }
            return Optional.of(answers);
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated answer to forwarded reads", e);
        }
    }

    private static byte[] bytesOf(Answer a) {
        if (a.answered()) {
            return a.value();
        }
        return a.error() == null ? new byte[0] : a.error().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("malformed length in forwarded reads");
        }
        byte[] b = new byte[length];
        in.get(b);
        return b;
    }
}
