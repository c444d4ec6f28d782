package dev.whispem.minikv.node.routing;

import java.nio.charset.StandardCharsets;

/**
 * The stable key → virtual shard function. It is part of the on-disk and wire contract and must
 * never change:
 *
 * <pre>
 *   h     = FNV-1a-64( UTF-8(tenant) ‖ 0x00 ‖ key bytes )
 *   shard = fmix64(h) mod 256          (fmix64 = MurmurHash3's 64-bit finaliser)
 * </pre>
 *
 * FNV-1a is trivial to re-implement in any language; the finaliser spreads its weak low bits so
 * sequential keys land on different shards. Golden values are pinned by {@code ShardHasherTest}.
 */
public final class ShardHasher {

    public static final int SHARDS = 256;

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private ShardHasher() {}

    public static int shardOf(String tenant, byte[] key) {
        long h = FNV_OFFSET;
        for (byte b : tenant.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xFF)) * FNV_PRIME;
        }
        h = (h ^ 0) * FNV_PRIME;
        for (byte b : key) {
            h = (h ^ (b & 0xFF)) * FNV_PRIME;
        }
        return (int) Long.remainderUnsigned(fmix64(h), SHARDS);
    }

    static long fmix64(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
