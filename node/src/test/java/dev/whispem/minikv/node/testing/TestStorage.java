package dev.whispem.minikv.node.testing;

import dev.whispem.minikv.node.storage.StorageConfig;

/** RocksDB settings for tests: production's shape, with small caches and memtables. */
public final class TestStorage {
    private TestStorage() {}

    public static StorageConfig rocks(StorageConfig.Compression compression) {
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
}
