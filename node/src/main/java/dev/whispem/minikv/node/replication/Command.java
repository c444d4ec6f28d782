package dev.whispem.minikv.node.replication;

import dev.whispem.minikv.node.storage.DataKey;
import java.util.List;

/**
 * A write that crosses the replication log. Commands are immutable values; their binary encoding
 * ({@link CommandCodec}) is versioned, so a log written by one release is applied by the next.
 */
public sealed interface Command {

    /** Store {@code value} under {@code key}; {@code expiresAtMillis} 0 means no expiry. */
    record Put(DataKey key, byte[] value, long expiresAtMillis, Precondition precondition)
            implements Command {}

    /** Remove {@code key}; removing an absent key succeeds unless a precondition says otherwise. */
    record Delete(DataKey key, Precondition precondition) implements Command {}

    /**
     * Several puts and deletes of one replication group. When {@code atomic}, either every
     * precondition holds and all are applied, or none is; otherwise each op stands alone.
     */
    record Batch(List<Command> ops, boolean atomic) implements Command {
        public Batch {
            ops = List.copyOf(ops);
            for (Command op : ops) {
                if (op instanceof Batch || op instanceof Idempotent) {
                    throw new IllegalArgumentException("a batch holds only puts and deletes");
                }
            }
        }
    }

    /**
     * {@code command} applied at most once for one idempotency key (decision 0125): the first time
     * it is applied, its outcome is stored under {@code record} with {@code fingerprint}, the hash
     * of the client's request, until {@code expiresAtMillis}; a command arriving meanwhile with the
     * same record and fingerprint is not applied and answers the stored outcome ({@link
     * Outcome.Replayed}), and one with another fingerprint answers {@link
     * Outcome.IdempotencyKeyReused}.
     *
     * @param record where the outcome is kept: a key of tenant {@link IdempotencyRecords#TENANT} in
     *     the shard of the command's (first) key, so it lives, moves and is snapshotted with that
     *     shard's data
     */
    record Idempotent(DataKey record, byte[] fingerprint, long expiresAtMillis, Command command)
            implements Command {
        public Idempotent {
            if (command instanceof Idempotent) {
                throw new IllegalArgumentException("idempotent commands do not nest");
            }
            if (command instanceof Batch b) {
                for (Command op : b.ops()) {
                    if (op instanceof Idempotent) {
                        throw new IllegalArgumentException("idempotent commands do not nest");
                    }
                }
            }
        }
    }

    /**
     * A command with the leader's wall clock at proposal time, so that applying it (expiry checks)
     * is deterministic on every replica.
     */
    record Proposal(long nowMillis, Command command) {}
}
