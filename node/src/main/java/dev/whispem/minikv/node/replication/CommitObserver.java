package dev.whispem.minikv.node.replication;

/**
 * Told about each durable commit (a group commit or a Raft log entry) and each read barrier round,
 * for metrics.
 */
public interface CommitObserver {
    void committed(int commands, long nanos);

    /** One ReadIndex round answered {@code reads} linearizable reads waiting for it. */
    default void readBarrier(int reads) {}

    /**
     * A read round on a replica ended: {@code fromLeader} when the leader answered its read index
     * ({@link LeaderReadIndex}), false for Ratis' own ReadIndex round (the leader's, or a follower
     * falling back to it).
     */
    default void readRound(boolean fromLeader) {}

    /**
     * A batch of {@code reads} reads of a group this node does not host went to its leader ({@link
     * ForwardedReads}).
     */
    default void forwardedReads(int reads) {}

    /**
     * The leader refused an entry during a leadership hand-over, before its log took it, and the
     * entry is sent again ({@link NeverApplied}).
     */
    default void resentRefused() {}

    /**
     * A read round or read went again because the group had no leader able to answer it at that
     * moment (an election or a leadership transfer under way).
     */
    default void readRetried() {}

    /**
     * An entry this node proposed as leader was pending when its leadership ended, and this replica
     * learned its {@code fate} from the log ({@link SteppedDownEntries}).
     */
    default void settledAfterStepDown(EntryFate fate) {}

    /**
     * A write carrying an idempotency key failed and is sent again ({@link KeyedResends}); the
     * state machine applies it at most once.
     */
    default void resentKeyed() {}
}
