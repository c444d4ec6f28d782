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
                if (op instanceof Batch) {
                    throw new IllegalArgumentException("batches do not nest");
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
