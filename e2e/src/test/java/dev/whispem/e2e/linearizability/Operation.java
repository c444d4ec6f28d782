package dev.whispem.e2e.linearizability;

import java.util.Objects;

/**
 * One client operation on one key, as a client observed it: what it asked, when it asked ({@code
 * call}), when it got an answer ({@code ret}) and what the answer was.
 *
 * <p>An operation whose outcome the client does not know (a timeout, a dropped connection) has
 * {@link Outcome#UNKNOWN}; the checker lets it take effect at any moment after its call, or never.
 * Values are strings; {@code null} means "absent" (never written, or deleted).
 */
public record Operation(
        int client,
        String key,
        Kind kind,
        String value,
        String expected,
        Outcome outcome,
        long call,
        long ret) {

    public enum Kind {
        /** Read; {@code value} is what was read (null: not found). */
        READ,
        /** Unconditional write of {@code value}. */
        WRITE,
        /** Delete. */
        DELETE,
        /** Write {@code value} only if the current value is {@code expected} (null: absent). */
        CAS
    }

    public enum Outcome {
        /** The operation took effect (for CAS: the comparison held and the write happened). */
        OK,
        /** A CAS whose comparison failed: it did not write. */
        FAILED,
        /** The client does not know whether the operation took effect. */
        UNKNOWN
    }

    public Operation {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(outcome, "outcome");
        if (ret < call) {
            throw new IllegalArgumentException(
                    "operation returns before it is called: " + call + " > " + ret);
        }
        if (outcome == Outcome.FAILED && kind != Kind.CAS) {
            throw new IllegalArgumentException("only a CAS can fail: " + kind);
        }
        if (outcome == Outcome.UNKNOWN && kind == Kind.READ) {
            throw new IllegalArgumentException(
                    "a read with an unknown result carries no information; drop it");
        }
    }

    public static Operation read(int client, String key, String seen, long call, long ret) {
        return new Operation(client, key, Kind.READ, seen, null, Outcome.OK, call, ret);
    }

    public static Operation write(
            int client, String key, String value, Outcome outcome, long call, long ret) {
        return new Operation(client, key, Kind.WRITE, value, null, outcome, call, ret);
    }

    public static Operation delete(int client, String key, Outcome outcome, long call, long ret) {
        return new Operation(client, key, Kind.DELETE, null, null, outcome, call, ret);
    }

    public static Operation cas(
            int client,
            String key,
            String expected,
            String value,
            Outcome outcome,
            long call,
            long ret) {
        return new Operation(client, key, Kind.CAS, value, expected, outcome, call, ret);
    }

    /** An operation with an unknown outcome may take effect arbitrarily late. */
    long effectiveReturn() {
        return outcome == Outcome.UNKNOWN ? Long.MAX_VALUE : ret;
    }
}
