package dev.whispem.minikv.node.storage;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Local storage engine settings ({@code minikv.storage.*}). */
@ConfigMapping(prefix = "minikv.storage")
public interface StorageConfig {

    /** Which engine holds the data. */
    enum Backend {
        /** RocksDB under {@code <data-dir>/rocksdb}; the production engine. */
        ROCKSDB,
        /** A volatile in-memory map, for tests; everything is lost on exit. */
        MEMORY
    }

    /** Block compression of the RocksDB tables. */
    enum Compression {
        LZ4,
        ZSTD,
        NONE
    }

    /** {@code rocksdb} (default) or {@code memory}. */
    @WithDefault("rocksdb")
    Backend backend();

    /** Table compression: {@code lz4} (default), {@code zstd} or {@code none}. */
    @WithDefault("lz4")
    Compression compression();

    /** Bits per key of the bloom filter on every table (10 ≈ 1% false positives); 0 disables. */
    @WithDefault("10")
    int bloomBitsPerKey();

    /** Size in bytes of the shared block cache. */
    @WithDefault("67108864")
    long blockCacheBytes();

    /** Size in bytes of one memtable before it is flushed. */
    @WithDefault("67108864")
    long writeBufferBytes();
}
