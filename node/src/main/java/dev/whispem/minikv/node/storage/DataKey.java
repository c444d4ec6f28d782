package dev.whispem.minikv.node.storage;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The storage address of one user key: the virtual shard it hashes to, its tenant and the key
 * bytes.
 *
 * <p>Encoded as {@code 0x01 | shard (1 byte) | tenant UTF-8 | 0x00 | key bytes}, so one shard's
 * keys are contiguous (a shard can be scanned, snapshotted and moved as a unit) and, inside a shard
 * and tenant, keys sort in unsigned byte order, which is the order of list pages.
 */
public record DataKey(int shard, String tenant, byte[] key) {

    static final byte DATA_PREFIX = 0x01;

    public DataKey {
        if (shard < 0 || shard > 255) {
            throw new IllegalArgumentException("shard out of range: " + shard);
        }
        if (tenant.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("tenant must not contain NUL");
        }
    }

    public byte[] encode() {
        byte[] t = tenant.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[3 + t.length + key.length];
        out[0] = DATA_PREFIX;
        out[1] = (byte) shard;
        System.arraycopy(t, 0, out, 2, t.length);
        out[2 + t.length] = 0;
        System.arraycopy(key, 0, out, 3 + t.length, key.length);
        return out;
    }

    /**
     * The encoded start of all keys of {@code tenant} in {@code shard}, followed by {@code key}.
     */
    public static byte[] encode(int shard, String tenant, byte[] key) {
        return new DataKey(shard, tenant, key).encode();
    }

    /** The first encoded key of {@code shard} (any tenant). */
    public static byte[] shardStart(int shard) {
        return new byte[] {DATA_PREFIX, (byte) shard};
    }

    /** The first encoded key after every key of {@code shard}. */
    public static byte[] shardEnd(int shard) {
        return shard == 255
                ? new byte[] {DATA_PREFIX + 1}
                : new byte[] {DATA_PREFIX, (byte) (shard + 1)};
    }

    /** The first encoded key after every key of {@code tenant} in {@code shard}. */
    public static byte[] tenantEnd(int shard, String tenant) {
        byte[] start = encode(shard, tenant, new byte[0]);
        start[start.length - 1] = 1; // the 0x00 separator becomes 0x01: just past every key
        return start;
    }

    public static DataKey decode(byte[] encoded) {
        if (encoded.length < 3 || encoded[0] != DATA_PREFIX) {
            throw new IllegalArgumentException("not a data key");
        }
        int shard = encoded[1] & 0xFF;
        int sep = 2;
        while (encoded[sep] != 0) {
            sep++;
        }
        String tenant = new String(encoded, 2, sep - 2, StandardCharsets.UTF_8);
        return new DataKey(shard, tenant, Arrays.copyOfRange(encoded, sep + 1, encoded.length));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DataKey other
                && shard == other.shard
                && tenant.equals(other.tenant)
                && Arrays.equals(key, other.key);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * shard + tenant.hashCode()) + Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return "DataKey["
                + shard
                + "/"
                + tenant
                + "/"
                + new String(key, StandardCharsets.UTF_8)
                + "]";
    }
}
