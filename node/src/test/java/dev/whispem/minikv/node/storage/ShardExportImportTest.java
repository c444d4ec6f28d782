package dev.whispem.minikv.node.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.whispem.minikv.node.testing.TestStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Flush, consistent views and shard replacement: what snapshots are built from. */
class ShardExportImportTest {

    @TempDir Path dir;

    private KvStore open(StorageConfig.Backend backend, String name) {
        return backend == StorageConfig.Backend.MEMORY
                ? new InMemoryKvStore()
                : new RocksKvStore(
                        dir.resolve(name), TestStorage.rocks(StorageConfig.Compression.LZ4));
    }

    private static DataKey key(int shard, String tenant, String k) {
        return new DataKey(shard, tenant, k.getBytes(StandardCharsets.UTF_8));
    }

    private static StoredValue value(long version, String v) {
        return new StoredValue(version, 0, v.getBytes(StandardCharsets.UTF_8));
    }

    private static List<KvStore.RawEntry> drain(Iterator<KvStore.RawEntry> it) {
        List<KvStore.RawEntry> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    private static List<String> described(List<KvStore.RawEntry> entries) {
        return entries.stream()
                .map(
                        e -> {
                            DataKey k = DataKey.decode(e.key());
                            StoredValue v = StoredValue.decode(e.value());
                            return k.shard()
                                    + "/"
                                    + k.tenant()
                                    + "/"
                                    + new String(k.key(), StandardCharsets.UTF_8)
                                    + "="
                                    + new String(v.value(), StandardCharsets.UTF_8)
                                    + "@"
                                    + v.version();
                        })
                .toList();
    }

    @Test
    void unsyncedWritesSurviveReopenAfterFlush() {
        Path d = dir.resolve("flush");
        try (RocksKvStore store =
                new RocksKvStore(d, TestStorage.rocks(StorageConfig.Compression.LZ4))) {
            store.write(new WriteSet().put(key(1, "t", "a"), value(1, "x")).counter("c", 9), false);
            store.flush();
            assertThat(store.statistics().get("flush_write_bytes")).isPositive();
        }
        try (RocksKvStore store =
                new RocksKvStore(d, TestStorage.rocks(StorageConfig.Compression.LZ4))) {
            assertThat(store.get(key(1, "t", "a"))).isPresent();
            assertThat(store.counter("c")).isEqualTo(9);
        }
    }

    @ParameterizedTest
    @EnumSource(
            names = {"ROCKSDB", "MEMORY"},
            value = StorageConfig.Backend.class)
    void viewIsOnePointInTime(StorageConfig.Backend backend) {
        try (KvStore store = open(backend, "view")) {
            store.write(
                    new WriteSet()
                            .put(key(4, "t", "b"), value(1, "one"))
                            .put(key(4, "u", "a"), value(2, "two"))
                            .put(key(5, "t", "a"), value(3, "other shard"))
                            .counter("rev:0", 3),
                    false);
            try (KvStore.View view = store.view()) {
                store.write(
                        new WriteSet()
                                .put(key(4, "t", "a"), value(4, "later"))
                                .delete(key(4, "t", "b"))
                                .counter("rev:0", 4),
                        false);
                assertThat(view.counter("rev:0")).isEqualTo(3);
                assertThat(view.counter("never")).isZero();
                assertThat(described(drain(view.shard(4))))
                        .containsExactly("4/t/b=one@1", "4/u/a=two@2");
                assertThat(drain(view.shard(7))).isEmpty();
            }
            assertThat(store.get(key(4, "t", "a"))).isPresent();
        }
    }

    @ParameterizedTest
    @EnumSource(
            names = {"ROCKSDB", "MEMORY"},
            value = StorageConfig.Backend.class)
    void replacingShardsCopiesAGroupAndLeavesOthersAlone(StorageConfig.Backend backend) {
        int[] group1 = {1, 5, 9}; // group 1 of 4, first shards
        try (KvStore source = open(backend, "source");
                KvStore target = open(backend, "target")) {
            WriteSet w = new WriteSet();
            for (int i = 0; i < 500; i++) {
                w.put(key(1 + 4 * (i % 3), "t" + (i % 2), "k" + i), value(i + 1, "v" + i));
            }
            w.put(key(2, "t", "x"), value(7, "group 2 at the source"));
            source.write(w.counter("rev:1", 500).counter("applied:1", 77), false);

            target.write(
                    new WriteSet()
                            .put(key(5, "t", "stale"), value(1, "must go"))
                            .put(key(1, "t0", "k0"), value(99, "must be replaced"))
                            .put(key(2, "t", "kept"), value(3, "group 2 at the target"))
                            .put(key(6, "t", "kept"), value(4, "group 2 at the target"))
                            .counter("rev:2", 12)
                            .counter("applied:2", 34),
                    true);

            List<KvStore.RawEntry> exported = new ArrayList<>();
            long revision;
            long applied;
            try (KvStore.View view = source.view()) {
                for (int s : group1) {
                    exported.addAll(drain(view.shard(s)));
                }
                revision = view.counter("rev:1");
                applied = view.counter("applied:1");
            }
            assertThat(exported).hasSize(500);
            target.replaceShards(
                    group1, exported.iterator(), Map.of("rev:1", revision, "applied:1", applied));

            List<KvStore.RawEntry> copied = new ArrayList<>();
            try (KvStore.View view = target.view()) {
                for (int s : group1) {
                    copied.addAll(drain(view.shard(s)));
                }
                assertThat(described(drain(view.shard(2))))
                        .containsExactly("2/t/kept=group 2 at the target@3");
                assertThat(described(drain(view.shard(6))))
                        .containsExactly("6/t/kept=group 2 at the target@4");
            }
            assertThat(described(copied)).isEqualTo(described(exported));
            assertThat(target.get(key(5, "t", "stale"))).isEmpty();
            assertThat(target.get(key(1, "t0", "k0")).orElseThrow().version()).isEqualTo(1);
            assertThat(target.counter("rev:1")).isEqualTo(500);
            assertThat(target.counter("applied:1")).isEqualTo(77);
            assertThat(target.counter("rev:2")).isEqualTo(12);
            assertThat(target.counter("applied:2")).isEqualTo(34);
        }
    }

    @ParameterizedTest
    @EnumSource(
            names = {"ROCKSDB", "MEMORY"},
            value = StorageConfig.Backend.class)
    void anEntryOutsideTheShardsIsRefused(StorageConfig.Backend backend) {
        try (KvStore store = open(backend, "outside")) {
            Iterator<KvStore.RawEntry> entries =
                    List.of(new KvStore.RawEntry(key(3, "t", "a").encode(), value(1, "x").encode()))
                            .iterator();
            assertThatThrownBy(() -> store.replaceShards(new int[] {1, 5}, entries, Map.of()))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(store.get(key(3, "t", "a"))).isEmpty();
        }
    }
}
