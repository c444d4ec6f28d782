package dev.whispem.minikv.node.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

public class ShardHasherTest {

    private static int shard(String tenant, String key) {
        return ShardHasher.shardOf(tenant, key.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Golden values, computed by an independent Python implementation of the documented formula. If
     * this test fails, the hash changed and every stored key would move.
     */
    @Test
    void hashIsStableAcrossVersions() {
        assertThat(shard("default", "hello")).isEqualTo(GOLDEN_HELLO);
        assertThat(shard("default", "")).isEqualTo(GOLDEN_EMPTY);
        assertThat(shard("acme", "user/42")).isEqualTo(GOLDEN_ACME);
    }

    static final int GOLDEN_HELLO = 169;
    static final int GOLDEN_EMPTY = 100;
    static final int GOLDEN_ACME = 47;

    @Test
    void tenantIsPartOfTheHash() {
        int differ = 0;
        for (int i = 0; i < 100; i++) {
            if (shard("a", "k" + i) != shard("b", "k" + i)) {
                differ++;
            }
        }
        assertThat(differ).isGreaterThan(90);
    }

    @Test
    void sequentialKeysSpreadEvenly() {
        int[] counts = new int[ShardHasher.SHARDS];
        int n = 256_000;
        for (int i = 0; i < n; i++) {
            counts[shard("default", "key" + i)]++;
        }
        for (int c : counts) {
            assertThat(c).isBetween(800, 1200); // mean 1000
        }
    }

    /** Two distinct keys starting with {@code base} that hash to the same shard. */
    public static String[] twoKeysOnOneShard(String tenant, String base) {
        String first = base + "-0";
        int target = shard(tenant, first);
        for (int i = 1; ; i++) {
            String candidate = base + "-" + i;
            if (shard(tenant, candidate) == target) {
                return new String[] {first, candidate};
            }
        }
    }
}
