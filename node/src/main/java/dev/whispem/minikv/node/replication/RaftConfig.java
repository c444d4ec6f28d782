package dev.whispem.minikv.node.replication;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** Apache Ratis settings of the shard groups ({@code minikv.raft.*}). */
@ConfigMapping(prefix = "minikv.raft")
public interface RaftConfig {

    /** This node's Raft peer id; unique in the cluster, stable across restarts. */
    @WithDefault("n1")
    String nodeId();

    /** Host other peers reach this node's Raft port on. */
    @WithDefault("127.0.0.1")
    String host();

    /** Address the Raft port binds to, when not {@link #host()} (e.g. {@code 0.0.0.0} in a pod). */
    Optional<String> bindHost();

    /** Raft (gRPC) port; 0 picks a free port, which only a single-member group can use. */
    @WithDefault("0")
    int port();

    /**
     * The members of every shard group as {@code id=host:port}, this node included. Empty: a
     * single-member group of this node (standalone).
     */
    Optional<List<String>> peers();

    /** Smallest election timeout in milliseconds; raise it on busy or small machines. */
    @WithDefault("1000")
    int electionTimeoutMinMillis();

    /** Largest election timeout in milliseconds. */
    @WithDefault("2000")
    int electionTimeoutMaxMillis();

    /**
     * Largest log entry and log write buffer per group, in KiB (Ratis' default buffer is 8 MiB per
     * group); must exceed the largest value plus overhead.
     */
    @WithDefault("4096")
    int logWriteBufferKib();

    /** Proposals in flight per group; more wait and are coalesced into one log entry. */
    @WithDefault("8")
    int maxInFlightPerGroup();

    /** Most client commands coalesced into one log entry. */
    @WithDefault("1024")
    int maxCommandsPerEntry();
}
