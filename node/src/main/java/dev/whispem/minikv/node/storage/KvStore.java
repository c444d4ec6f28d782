package dev.whispem.minikv.node.storage;

import java.util.Iterator;
import java.util.Optional;

/**
 * The local key-value storage of one node. Implementations are thread-safe: reads may run
 * concurrently with the single writer of each replication group.
 */
public interface KvStore extends AutoCloseable {

    /** One stored entry as returned by a scan. */
    record Entry(DataKey key, StoredValue value) {}

    /** A scan iterator; must be closed. */
    interface Scan extends Iterator<Entry>, AutoCloseable {
        @Override
        void close();
    }

    Optional<StoredValue> get(DataKey key);

    /** Writes the set atomically; with {@code sync} the write is on disk before returning. */
    void write(WriteSet writes, boolean sync);

    /** A named counter written through {@link WriteSet#counter}, or 0 when never written. */
    long counter(String name);

    /**
     * Iterates the keys of {@code tenant} in {@code shard} from {@code fromInclusive} (user key
     * bytes) to {@code toExclusive} (null = to the end), in unsigned byte order.
     */
    Scan scan(int shard, String tenant, byte[] fromInclusive, byte[] toExclusive);

    /**
     * Deletes every key of {@code shard}, all tenants (the shard's replica moved away), and sets
     * {@code counters} to 0, atomically and durably.
     */
    void deleteShards(int[] shards, java.util.List<String> counters);

    /** Human-readable engine statistics for metrics, empty when the engine has none. */
    default java.util.Map<String, Long> statistics() {
        return java.util.Map.of();
    }

    @Override
    void close();
}
