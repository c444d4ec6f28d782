package dev.whispem.minikv.node.replication;

import dev.whispem.minikv.node.storage.DataKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Where and how the outcome of an idempotent command is kept (decision 0125).
 *
 * <p>A record is an ordinary stored key of the reserved tenant {@link #TENANT}, which no client can
 * name (client tenants start with a letter or digit), in the shard of the command's key: shard
 * snapshots, moves and the expiry sweep carry and remove records with the data they protect. Its
 * key is {@code client tenant | 0x00 | idempotency key}, so tenants never see each other's records;
 * its value is {@code fingerprint length (1) | fingerprint | encoded outcome}.
 */
public final class IdempotencyRecords {

    /** The tenant of every record; not a valid client tenant. */
    public static final String TENANT = "_idempotency";

    private IdempotencyRecords() {}

    /** The record of {@code idempotencyKey} sent by {@code tenant}, in {@code shard}. */
    public static DataKey key(int shard, String tenant, String idempotencyKey) {
        byte[] t = tenant.getBytes(StandardCharsets.UTF_8);
        byte[] k = idempotencyKey.getBytes(StandardCharsets.UTF_8);
        byte[] out = Arrays.copyOf(t, t.length + 1 + k.length);
        System.arraycopy(k, 0, out, t.length + 1, k.length);
        return new DataKey(shard, TENANT, out);
    }

    /** What a record holds: the request's fingerprint and the outcome it had. */
    record Stored(byte[] fingerprint, Outcome outcome) {}

    static byte[] encode(byte[] fingerprint, Outcome outcome) {
        byte[] o = OutcomeCodec.encode(List.of(outcome));
        return ByteBuffer.allocate(1 + fingerprint.length + o.length)
                .put((byte) fingerprint.length)
                .put(fingerprint)
                .put(o)
                .array();
    }

    static Stored decode(byte[] value) {
        ByteBuffer b = ByteBuffer.wrap(value);
        byte[] fingerprint = new byte[b.get() & 0xFF];
        b.get(fingerprint);
        byte[] o = new byte[b.remaining()];
        b.get(o);
        return new Stored(fingerprint, OutcomeCodec.decode(o).get(0));
    }
}
