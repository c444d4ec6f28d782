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

    /**
     * Makes every write so far durable: memtables flushed to table files and the write-ahead log
     * synced. A no-op for a volatile engine.
     */
    void flush();

    /** One stored entry in its encoded form (a {@link DataKey} and a {@link StoredValue}). */
    record RawEntry(byte[] key, byte[] value) {}

    /**
     * A consistent, read-only view of the whole store at one point in time: writes made after it
     * was taken are invisible to it. Must be closed.
     */
    interface View extends AutoCloseable {
        /** A named counter as of the view, 0 when never written. */
        long counter(String name);

        /**
         * Every entry of {@code shard}, all tenants, in unsigned key order. Iterators stay valid
         * until the view is closed.
         */
        default java.util.Iterator<RawEntry> shard(int shard) {
            return shard(shard, DataKey.shardStart(shard));
        }

        /**
         * The entries of {@code shard} from the encoded key {@code from} on (inclusive), in
         * unsigned key order, to resume a walk where an earlier view left off.
         */
        java.util.Iterator<RawEntry> shard(int shard, byte[] from);

        @Override
        void close();
    }

    /** Takes a consistent view of the store (a RocksDB snapshot). */
    View view();

    /**
     * Replaces everything in {@code shards} with {@code entries} (encoded keys in those shards, in
     * any order) and sets {@code counters}, then {@link #flush flushes}. Not atomic for large
     * inputs: a caller that can crash midway records that a replacement is in progress and redoes
     * it. An entry outside {@code shards} fails the call with an {@link IllegalArgumentException}.
     */
    void replaceShards(
            int[] shards,
            java.util.Iterator<RawEntry> entries,
            java.util.Map<String, Long> counters);

    /** Whether {@code encodedKey} is a data key of one of {@code shards}. */
    static boolean inShards(byte[] encodedKey, int[] shards) {
        if (encodedKey.length < 3 || encodedKey[0] != DataKey.DATA_PREFIX) {
            return false;
        }
        int shard = encodedKey[1] & 0xFF;
        for (int s : shards) {
            if (s == shard) {
                return true;
            }
        }
        return false;
    }

    /** Human-readable engine statistics for metrics, empty when the engine has none. */
    default java.util.Map<String, Long> statistics() {
        return java.util.Map.of();
    }

    @Override
    void close();
}
