package dev.whispem.minikv.node.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whispem.minikv.node.testing.TestStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RocksKvStoreTest {

    @TempDir Path dir;

    private static DataKey key(int shard, String tenant, String k) {
        return new DataKey(shard, tenant, k.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @EnumSource(StorageConfig.Compression.class)
    void dataAndCountersSurviveReopen(StorageConfig.Compression compression) {
        try (RocksKvStore store = new RocksKvStore(dir, TestStorage.rocks(compression))) {
            store.write(
                    new WriteSet()
                            .put(
                                    key(3, "t", "a"),
                                    new StoredValue(7, 0, "x".getBytes(StandardCharsets.UTF_8)))
                            .counter("applied:0", 42),
                    true);
        }
        try (RocksKvStore store = new RocksKvStore(dir, TestStorage.rocks(compression))) {
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
    void aViewResumesAShardFromAKeyAcrossTenants(StorageConfig.Backend backend) {
        try (KvStore store =
                backend == StorageConfig.Backend.MEMORY
                        ? new InMemoryKvStore()
                        : new RocksKvStore(dir, TestStorage.rocks(StorageConfig.Compression.LZ4))) {
            WriteSet w = new WriteSet();
            for (DataKey k :
                    List.of(
                            key(5, "a", "x"),
                            key(5, "b", "y"),
                            key(5, "b", "z"),
                            key(5, "c", "w"),
                            key(6, "a", "v"))) {
                w.put(k, new StoredValue(1, 0, new byte[0]));
            }
            store.write(w, false);
            try (KvStore.View view = store.view()) {
                List<DataKey> seen = new ArrayList<>();
                view.shard(5, key(5, "b", "z").encode())
                        .forEachRemaining(e -> seen.add(DataKey.decode(e.key())));
                assertThat(seen).containsExactly(key(5, "b", "z"), key(5, "c", "w"));
            }
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
                        : new RocksKvStore(dir, TestStorage.rocks(StorageConfig.Compression.LZ4))) {
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
