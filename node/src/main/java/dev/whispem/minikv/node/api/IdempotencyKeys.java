package dev.whispem.minikv.node.api;

import dev.whispem.minikv.node.replication.Outcome;
import dev.whispem.minikv.node.replication.Precondition;
import dev.whispem.minikv.node.routing.Idempotency;
import dev.whispem.minikv.node.routing.KvOp;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The {@code Idempotency-Key} request header (decision 0125): checked, and paired with the
 * request's fingerprint, a SHA-256 of everything that decides what the write does (method, key,
 * value, TTL, preconditions), so that a retry of the same request is recognised and another request
 * under the same key is refused.
 */
final class IdempotencyKeys {

    static final String HEADER = "Idempotency-Key";

    /** Answered on a response that repeats the stored outcome of an earlier identical request. */
    static final String REPLAYED_HEADER = "Idempotent-Replayed";

    static final int MAX_LENGTH = 255;

    private IdempotencyKeys() {}

    /** The key of {@code header}, null without one; refuses a bad key or a disabled feature. */
    static String key(String header, IdempotencyConfig config) {
        if (header == null) {
            return null;
        }
        if (!config.enabled()) {
            throw new ApiException(
                    501,
                    "IDEMPOTENCY_DISABLED",
                    "Idempotency-Key is turned off on this node (minikv.idempotency.enabled)");
        }
        if (header.isEmpty() || header.length() > MAX_LENGTH) {
            throw ApiException.badRequest(
                    "Idempotency-Key must be 1 to " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                throw ApiException.badRequest(
                        "Idempotency-Key must be printable ASCII without spaces");
            }
        }
        return header;
    }

    static Idempotency put(String key, byte[] k, byte[] value, long ttlSeconds, Precondition pre) {
        if (key == null) {
            return null;
        }
        MessageDigest d = sha256();
        d.update((byte) 'P');
        putOp(d, k, value, ttlSeconds, pre);
        return new Idempotency(key, d.digest());
    }

    static Idempotency delete(String key, byte[] k, Precondition pre) {
        if (key == null) {
            return null;
        }
        MessageDigest d = sha256();
        d.update((byte) 'D');
        deleteOp(d, k, pre);
        return new Idempotency(key, d.digest());
    }

    static Idempotency batch(String key, List<KvOp> ops) {
        if (key == null) {
            return null;
        }
        MessageDigest d = sha256();
        d.update((byte) 'B');
        d.update(ByteBuffer.allocate(4).putInt(ops.size()).array());
        for (KvOp op : ops) {
            switch (op) {
                case KvOp.Put p ->
                        putOp(d, p.keyBytes(), p.value(), p.ttlSeconds(), p.precondition());
                case KvOp.Delete del -> deleteOp(d, del.keyBytes(), del.precondition());
            }
        }
        return new Idempotency(key, d.digest());
    }

    /**
     * The outcome to answer: the stored one of a replay, with {@link #REPLAYED_HEADER} set through
     * {@code replayed}; a 422 when the key belongs to a different request.
     */
    static Outcome unwrap(Outcome outcome, Runnable replayed) {
        if (outcome instanceof Outcome.IdempotencyKeyReused) {
            throw reused();
        }
        if (outcome instanceof Outcome.Replayed r) {
            replayed.run();
            return r.original();
        }
        return outcome;
    }

    static ApiException reused() {
        return new ApiException(
                422,
                "IDEMPOTENCY_KEY_REUSED",
                "this Idempotency-Key was used for a different request within its window");
    }

    private static void putOp(
            MessageDigest d, byte[] k, byte[] value, long ttlSeconds, Precondition pre) {
        d.update((byte) 'p');
        lengthPrefixed(d, k);
        lengthPrefixed(d, value);
        d.update(ByteBuffer.allocate(8).putLong(ttlSeconds).array());
        precondition(d, pre);
    }

    private static void deleteOp(MessageDigest d, byte[] k, Precondition pre) {
        d.update((byte) 'd');
        lengthPrefixed(d, k);
        precondition(d, pre);
    }

    private static void precondition(MessageDigest d, Precondition pre) {
        d.update((byte) pre.kind().ordinal());
        d.update(ByteBuffer.allocate(8).putLong(pre.version()).array());
    }

    private static void lengthPrefixed(MessageDigest d, byte[] bytes) {
        d.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        d.update(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
