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

    /**
     * Linearizable reads on the leader's lease: while a majority has acknowledged the leader within
     * the last 90 % of the smallest election timeout, no other leader can have been elected, so it
     * answers a read index without another round to a majority. Safe while the members' clocks run
     * at nearly the same rate (their offsets do not matter), as in TiKV; false makes every read
     * barrier a round to a majority, as etcd does (decision 0110).
     */
    @WithDefault("true")
    boolean leaderLease();

    /** Largest election timeout in milliseconds. */
    @WithDefault("2000")
    int electionTimeoutMaxMillis();

    /**
     * Largest log entry and log write buffer per group, in KiB (Ratis' default buffer is 8 MiB per
     * group); must exceed the largest value plus overhead.
     */
    @WithDefault("4096")
    int logWriteBufferKib();

    /**
     * Log entries in flight per group from this node; commands arriving meanwhile wait and are
     * coalesced into the next entry. Small, so queues form and entries carry many commands: on the
     * 2-core machine, 3+3 nodes with one group, 1 instead of 2 raised commands per entry from 6.5
     * to 10.5 and writes from 1,250-1,390/s to 1,870-2,000/s (docs/performance.md). With {@link
     * #forwardToLeader()} the members' queues drain into the leader's, so only the leader proposes.
     */
    @WithDefault("1")
    int maxInFlightPerGroup();

    /**
     * A member that does not lead a group hands its commands to the leader, whose proposer
     * coalesces them with everyone else's into one entry at a time, as etcd's followers forward
     * proposals (decision 0111). False: each member proposes entries of its own through a Ratis
     * client (one more entry per member in flight, but retried under the same call id across a
     * leader change, where a forwarded command fails with an unknown outcome).
     */
    @WithDefault("true")
    boolean forwardToLeader();

    /**
     * A member that does not lead a group asks the leader for a read index ({@link
     * LeaderReadIndex}, one client call the leader answers from its lease) and reads once it has
     * applied that index, instead of running Ratis' follower ReadIndex round. False: Ratis' own
     * round, for a cluster still partly on a release that does not answer the question.
     */
    @WithDefault("true")
    boolean readIndexFromLeader();

    /**
     * A node that does not host a group (a coordinator, or a volume server the group is not placed
     * on) sends its reads of the group to the leader in batches ({@link ForwardedReads}), one batch
     * in flight per group, answered after one round of the leader's read barrier. False: each read
     * is a Ratis read-only request of its own, with a ReadIndex of its own on the leader (for a
     * cluster still partly on a release that does not answer batches).
     */
    @WithDefault("true")
    boolean forwardReads();

    /**
     * Longest wait, in microseconds, of the next log entry for the writers of the entry just
     * committed, after an entry of at least 8 commands (busy writers): it is proposed as soon as as
     * many commands are queued again, or when the wait ends. A Raft round costs about the same
     * whatever it carries, so under load fewer, fuller entries commit more writes per second
     * (docs/performance.md); light load never waits. 0 proposes at once.
     */
    @WithDefault("2000")
    int batchLingerMicros();

    /** Most client commands coalesced into one log entry. */
    @WithDefault("1024")
    int maxCommandsPerEntry();

    /**
     * Applied entries between snapshots of a group; each snapshot lets Ratis purge the log up to
     * it. 0 turns snapshots and purging off (the log grows forever).
     */
    @WithDefault("100000")
    long snapshotEveryEntries();

    /** Size of one Raft log segment file in KiB; only whole closed segments are purged. */
    @WithDefault("32768")
    int logSegmentSizeKib();

    /**
     * Static-peer clusters only: the HTTP address of every peer as {@code id=host:port}, so a
     * follower behind its leader's purged log can fetch a snapshot. Coordinator/volume clusters
     * learn the addresses from the shard map.
     */
    Optional<List<String>> peerHttp();
}
