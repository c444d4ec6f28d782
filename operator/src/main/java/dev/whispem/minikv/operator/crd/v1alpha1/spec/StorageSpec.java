package dev.whispem.minikv.operator.crd.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** The storage engine of the volume servers. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StorageSpec {

    public enum Backend {
        @JsonProperty("rocksdb")
        ROCKSDB,
        @JsonProperty("memory")
        MEMORY
    }

    public enum Compression {
        @JsonProperty("none")
        NONE,
        @JsonProperty("lz4")
        LZ4,
        @JsonProperty("zstd")
        ZSTD
    }

    @JsonPropertyDescription(
            "rocksdb (durable, the default) or memory (tests only: data is lost on restart).")
    @Default("rocksdb")
    public Backend backend = Backend.ROCKSDB;

    @JsonPropertyDescription("Block compression of RocksDB: none, lz4 or zstd.")
    @Default("lz4")
    public Compression compression = Compression.LZ4;

    public String backendName() {
        return backend == Backend.MEMORY ? "memory" : "rocksdb";
    }

    public String compressionName() {
        return compression.name().toLowerCase(java.util.Locale.ROOT);
    }
}
