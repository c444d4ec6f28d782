package dev.whispem.minikv.node.storage;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;
import org.rocksdb.Statistics;
import org.rocksdb.TickerType;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * One RocksDB per node. Data keys are {@link DataKey}-encoded; named counters live under {@code
 * 0x02 | name}. Bloom filters make point reads of absent keys cheap; LZ4 (or ZSTD) compresses
 * tables.
 */
public final class RocksKvStore implements KvStore {

    private static final byte COUNTER_PREFIX = 0x02;

    /** Size at which {@link #replaceShards} writes a batch and starts the next. */
    private static final long REPLACE_BATCH_BYTES = 4L << 20;

    static {
        RocksDB.loadLibrary();
    }

    private final Options options;
    private final LRUCache cache;
    private final BloomFilter bloom;
    private final Statistics statistics;
    private final RocksDB db;
    private final WriteOptions syncWrite;
    private final WriteOptions asyncWrite;
    private volatile boolean closed;

    public RocksKvStore(Path directory, StorageConfig config) {
        try {
            Files.createDirectories(directory);
            cache = new LRUCache(config.blockCacheBytes());
            bloom = config.bloomBitsPerKey() > 0 ? new BloomFilter(config.bloomBitsPerKey()) : null;
            BlockBasedTableConfig table =
                    new BlockBasedTableConfig().setBlockCache(cache).setBlockSize(16 * 1024);
            if (bloom != null) {
                table.setFilterPolicy(bloom).setWholeKeyFiltering(true);
            }
            statistics = new Statistics();
            options =
                    new Options()
                            .setCreateIfMissing(true)
                            .setTableFormatConfig(table)
                            .setCompressionType(compression(config.compression()))
                            .setWriteBufferSize(config.writeBufferBytes())
                            .setStatistics(statistics)
                            .setMaxBackgroundJobs(2)
                            .setKeepLogFileNum(3);
            db = RocksDB.open(options, directory.toString());
            syncWrite = new WriteOptions().setSync(true);
            asyncWrite = new WriteOptions().setSync(false);
        } catch (RocksDBException | java.io.IOException e) {
            throw new StorageException("cannot open RocksDB at " + directory, e);
        }
    }

    private static CompressionType compression(StorageConfig.Compression c) {
        return switch (c) {
            case LZ4 -> CompressionType.LZ4_COMPRESSION;
            case ZSTD -> CompressionType.ZSTD_COMPRESSION;
            case NONE -> CompressionType.NO_COMPRESSION;
        };
    }

    @Override
    public Optional<StoredValue> get(DataKey key) {
        try {
            byte[] v = db.get(key.encode());
            return v == null ? Optional.empty() : Optional.of(StoredValue.decode(v));
        } catch (RocksDBException e) {
            throw new StorageException("read failed", e);
        }
    }

    @Override
    public void write(WriteSet writes, boolean sync) {
        try (WriteBatch batch = new WriteBatch()) {
            for (WriteSet.Mutation m : writes.mutations()) {
                if (m.value() == null) {
                    batch.delete(m.key().encode());
                } else {
                    batch.put(m.key().encode(), m.value().encode());
                }
            }
            for (Map.Entry<String, Long> c : writes.counters().entrySet()) {
                batch.put(counterKey(c.getKey()), longBytes(c.getValue()));
            }
            db.write(sync ? syncWrite : asyncWrite, batch);
        } catch (RocksDBException e) {
            throw new StorageException("write failed", e);
        }
    }

    @Override
    public void deleteShards(int[] shards, java.util.List<String> names) {
        try (WriteBatch batch = new WriteBatch()) {
            for (int shard : shards) {
                batch.deleteRange(DataKey.shardStart(shard), DataKey.shardEnd(shard));
            }
            for (String n : names) {
                batch.put(counterKey(n), longBytes(0));
            }
            db.write(syncWrite, batch);
        } catch (RocksDBException e) {
            throw new StorageException("delete failed", e);
        }
    }

    @Override
    public long counter(String name) {
        try {
            byte[] v = db.get(counterKey(name));
            return v == null ? 0 : java.nio.ByteBuffer.wrap(v).getLong();
        } catch (RocksDBException e) {
            throw new StorageException("read failed", e);
        }
    }

    @Override
    public Scan scan(int shard, String tenant, byte[] fromInclusive, byte[] toExclusive) {
        byte[] from = DataKey.encode(shard, tenant, fromInclusive);
        byte[] to =
                toExclusive == null
                        ? DataKey.tenantEnd(shard, tenant)
                        : DataKey.encode(shard, tenant, toExclusive);
        Slice upper = new Slice(to);
        ReadOptions ro = new ReadOptions().setIterateUpperBound(upper);
        RocksIterator it = db.newIterator(ro);
        it.seek(from);
        return new Scan() {
            @Override
            public boolean hasNext() {
                return it.isValid();
            }

            @Override
            public Entry next() {
                if (!it.isValid()) {
                    throw new NoSuchElementException();
                }
                Entry e = new Entry(DataKey.decode(it.key()), StoredValue.decode(it.value()));
                it.next();
                return e;
            }

            @Override
            public void close() {
                it.close();
                ro.close();
                upper.close();
            }
        };
    }

    @Override
    public void flush() {
        if (closed) {
            // A late snapshot of a group whose server is shutting down: the native handle is gone.
            throw new StorageException("store is closed", null);
        }
        try (FlushOptions wait = new FlushOptions().setWaitForFlush(true)) {
            db.flushWal(true);
            db.flush(wait);
        } catch (RocksDBException e) {
            throw new StorageException("flush failed", e);
        }
    }

    @Override
    public View view() {
        Snapshot snapshot = db.getSnapshot();
        ReadOptions at = new ReadOptions().setSnapshot(snapshot);
        List<AutoCloseable> open = new ArrayList<>();
        return new View() {
            @Override
            public long counter(String name) {
                try {
                    byte[] v = db.get(at, counterKey(name));
                    return v == null ? 0 : java.nio.ByteBuffer.wrap(v).getLong();
                } catch (RocksDBException e) {
                    throw new StorageException("read failed", e);
                }
            }

            @Override
            public Iterator<RawEntry> shard(int shard, byte[] from) {
                Slice upper = new Slice(DataKey.shardEnd(shard));
                ReadOptions ro =
                        new ReadOptions().setSnapshot(snapshot).setIterateUpperBound(upper);
                RocksIterator it = db.newIterator(ro);
                synchronized (open) {
                    open.add(it);
                    open.add(ro);
                    open.add(upper);
                }
                it.seek(from);
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return it.isValid();
                    }

                    @Override
                    public RawEntry next() {
                        if (!it.isValid()) {
                            throw new NoSuchElementException();
                        }
                        RawEntry e = new RawEntry(it.key(), it.value());
                        it.next();
                        return e;
                    }
                };
            }

            @Override
            public void close() {
                synchronized (open) {
                    // Iterators before their options, options before the bound they point to.
                    for (AutoCloseable c : open) {
                        try {
                            c.close();
                        } catch (Exception ignored) {
                            // native handles only
                        }
                    }
                    open.clear();
                }
                at.close();
                db.releaseSnapshot(snapshot);
            }
        };
    }

    @Override
    public void replaceShards(
            int[] shards, Iterator<RawEntry> entries, Map<String, Long> counters) {
        try {
            WriteBatch batch = new WriteBatch();
            try {
                // In one batch, later operations win: the range deletes come first.
                for (int shard : shards) {
                    batch.deleteRange(DataKey.shardStart(shard), DataKey.shardEnd(shard));
                }
                while (entries.hasNext()) {
                    RawEntry e = entries.next();
                    if (!KvStore.inShards(e.key(), shards)) {
                        throw new IllegalArgumentException("entry outside the replaced shards");
                    }
                    batch.put(e.key(), e.value());
                    if (batch.getDataSize() >= REPLACE_BATCH_BYTES) {
                        db.write(asyncWrite, batch);
                        batch.close();
                        batch = new WriteBatch();
                    }
                }
                for (Map.Entry<String, Long> c : counters.entrySet()) {
                    batch.put(counterKey(c.getKey()), longBytes(c.getValue()));
                }
                db.write(asyncWrite, batch);
            } finally {
                batch.close();
            }
        } catch (RocksDBException e) {
            throw new StorageException("replacing shards failed", e);
        }
        flush();
    }

    /** Flushes memtables and writes a consistent copy of the database into {@code target}. */
    public void checkpoint(Path target) {
        try (org.rocksdb.Checkpoint cp = org.rocksdb.Checkpoint.create(db)) {
            cp.createCheckpoint(target.toString());
        } catch (RocksDBException e) {
            throw new StorageException("checkpoint failed", e);
        }
    }

    @Override
    public Map<String, Long> statistics() {
        Map<String, Long> out = new LinkedHashMap<>();
        if (closed) {
            return out; // a scrape during shutdown: the native handles are gone
        }
        for (TickerType t :
                new TickerType[] {
                    TickerType.BLOCK_CACHE_HIT,
                    TickerType.BLOCK_CACHE_MISS,
                    TickerType.BLOOM_FILTER_USEFUL,
                    TickerType.BYTES_WRITTEN,
                    TickerType.BYTES_READ,
                    TickerType.COMPACT_READ_BYTES,
                    TickerType.COMPACT_WRITE_BYTES,
                    TickerType.FLUSH_WRITE_BYTES,
                    TickerType.WAL_FILE_SYNCED,
                    TickerType.STALL_MICROS
                }) {
            out.put(t.name().toLowerCase(java.util.Locale.ROOT), statistics.getTickerCount(t));
        }
        try {
            out.put(
                    "estimate_num_keys",
                    Long.parseLong(db.getProperty("rocksdb.estimate-num-keys")));
            out.put(
                    "live_sst_files_size",
                    Long.parseLong(db.getProperty("rocksdb.live-sst-files-size")));
        } catch (RocksDBException | NumberFormatException ignored) {
            // statistics are best effort
        }
        return out;
    }

    private static byte[] counterKey(String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        byte[] k = Arrays.copyOf(new byte[] {COUNTER_PREFIX}, 1 + n.length);
        System.arraycopy(n, 0, k, 1, n.length);
        return k;
    }

    private static byte[] longBytes(long v) {
        return java.nio.ByteBuffer.allocate(8).putLong(v).array();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return; // closed once on shutdown in order (NodeWiring.shutdown), then by its disposer
        }
        closed = true;
        syncWrite.close();
        asyncWrite.close();
        db.close();
        options.close();
        statistics.close();
        cache.close();
        if (bloom != null) {
            bloom.close();
        }
    }
}
