package dev.whispem.minikv.node.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RocksKvStoreTest {

    @TempDir Path dir;

    static StorageConfig config(StorageConfig.Compression compression) {
        return new StorageConfig() {
            public Backend backend() {
                return Backend.ROCKSDB;
            }

            public Compression compression() {
                return compression;
            }

            public int bloomBitsPerKey() {
                return 10;
            }

            public long blockCacheBytes() {
                return 8 << 20;
            }

            public long writeBufferBytes() {
                return 4 << 20;
            }
        };
    }

    private static DataKey key(int shard, String tenant, String k) {
        return new DataKey(shard, tenant, k.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @EnumSource(StorageConfig.Compression.class)
    void dataAndCountersSurviveReopen(StorageConfig.Compression compression) {
        try (RocksKvStore store = new RocksKvStore(dir, config(compression))) {
            store.write(
                    new WriteSet()
                            .put(
                                    key(3, "t", "a"),
                                    new StoredValue(7, 0, "x".getBytes(StandardCharsets.UTF_8)))
                            .counter("applied:0", 42),
                    true);
        }
        try (RocksKvStore store = new RocksKvStore(dir, config(compression))) {
            assertThat(store.get(key(3, "t", "a")).orElseThrow().version()).isEqualTo(7);
            assertThat(store.counter("applied:0")).isEqualTo(42);
            assertThat(store.counter("never")).isZero();
            assertThat(store.statistics()).containsKey("bytes_written");
        }
    }

    @ParameterizedTest
    @EnumSource(
            names = {"ROCKSDB", "MEMORY"},
            value = StorageConfig.Backend.class)
    void scansStayInsideShardAndTenantInKeyOrder(StorageConfig.Backend backend) {
        try (KvStore store =
                backend == StorageConfig.Backend.MEMORY
                        ? new InMemoryKvStore()
                        : new RocksKvStore(dir, config(StorageConfig.Compression.LZ4))) {
            WriteSet w = new WriteSet();
            for (String k : List.of("b", "a", "c", "ab", "\u00ff")) {
                w.put(key(5, "t", k), new StoredValue(1, 0, new byte[0]));
            }
            w.put(key(5, "t2", "a"), new StoredValue(1, 0, new byte[0]));
            w.put(key(5, "s", "z"), new StoredValue(1, 0, new byte[0]));
            w.put(key(6, "t", "a"), new StoredValue(1, 0, new byte[0]));
            store.write(w, false);
            assertThat(keys(store.scan(5, "t", new byte[0], null)))
                    .containsExactly("a", "ab", "b", "c", "\u00ff");
            assertThat(
                            keys(
                                    store.scan(
                                            5,
                                            "t",
                                            "ab".getBytes(StandardCharsets.UTF_8),
                                            "c".getBytes(StandardCharsets.UTF_8))))
                    .containsExactly("ab", "b");
            store.write(new WriteSet().delete(key(5, "t", "b")), false);
            assertThat(keys(store.scan(5, "t", new byte[0], null)))
                    .containsExactly("a", "ab", "c", "\u00ff");
        }
    }

    private static List<String> keys(KvStore.Scan scan) {
        List<String> out = new ArrayList<>();
        try (scan) {
            while (scan.hasNext()) {
                out.add(new String(scan.next().key().key(), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
