package dev.whispem.minikv.node.replication;

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

    /** Whether every local group has a leader and has applied what it knows to be committed. */
    boolean isReady();

    @Override
    void close();
}
