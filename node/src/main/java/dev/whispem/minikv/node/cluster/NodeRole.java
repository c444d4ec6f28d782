package dev.whispem.minikv.node.cluster;

/** What a node process does in the cluster. */
public enum NodeRole {
    /** Coordinator and volume server in one process with RF=1: the embedded default. */
    STANDALONE,
    /** A member of the metadata group: membership, shard map, rebalancing. */
    COORDINATOR,
    /** Stores shard replicas in its RocksDB and serves them. */
    VOLUME
}
