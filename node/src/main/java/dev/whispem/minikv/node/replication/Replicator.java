package dev.whispem.minikv.node.replication;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The replication groups hosted by this node. A write is acknowledged (its future completes) only
 * once it is durable on a majority of the group and applied locally.
 */
public interface Replicator extends AutoCloseable {

    /** Proposes {@code command} to {@code group}; completes with its outcome once committed. */
    CompletableFuture<Outcome> submit(int group, Command command);

    /**
     * Completes once local storage reflects every write of {@code group} acknowledged before this
     * call (linearizable) or immediately (stale); yields the group's revision at that point.
     */
    CompletableFuture<Long> readBarrier(int group, boolean linearizable);

    /** The state machine of a locally hosted group, to read its storage after a barrier. */
    GroupStateMachine stateMachine(int group);

    /** Whether this node holds a replica of {@code group}. */
    default boolean hosts(int group) {
        return true;
    }

    /**
     * Runs a {@link ReadQuery} (encoded) linearizably on {@code group}, which need not be hosted
     * here; completes with the encoded answer.
     */
    CompletableFuture<byte[]> query(int group, byte[] query);

    /** Whether every local group has a leader and has applied what it knows to be committed. */
    boolean isReady();

    /** One replication group as seen from this node. */
    record GroupStatus(
            int group, String leader, String role, long term, long committed, long applied) {}

    /** Leadership and log positions of every local group. */
    List<GroupStatus> groupStatus();

    /** The members of the groups as {@code id=address}. */
    List<String> members();

    /**
     * Hands leadership of {@code group} to {@code newLeader} (any other member when null); false
     * when there is nobody to hand it to.
     */
    CompletableFuture<Boolean> transferLeadership(int group, String newLeader);

    @Override
    void close();
}
