package dev.whispem.minikv.node.replication;

import java.util.List;

/** The result of applying one command, computed identically on every replica. */
public sealed interface Outcome {

    /** The group's revision after the command (unchanged when nothing was written). */
    long revision();

    record Written(long version, long revision) implements Outcome {}

    record Deleted(boolean existed, long revision) implements Outcome {}

    /** A precondition did not hold; {@code currentVersion} is 0 when the key is absent. */
    record PreconditionFailed(long currentVersion, long revision) implements Outcome {}

    /** Not applied because another op of the same atomic batch failed its precondition. */
    record NotApplied(long revision) implements Outcome {}

    /** Per-op outcomes of a batch, in request order. */
    record BatchApplied(List<Outcome> results, boolean committed, long revision)
            implements Outcome {}

    /**
     * An idempotent command already applied for this idempotency key and request: nothing was
     * applied now, and {@code original} is what the first application answered.
     */
    record Replayed(Outcome original) implements Outcome {
        public Replayed {
            if (original instanceof Replayed || original instanceof IdempotencyKeyReused) {
                throw new IllegalArgumentException("only an applied outcome is replayed");
            }
        }

        @Override
        public long revision() {
            return original.revision();
        }
    }

    /** The idempotency key was used for a different request within its window; nothing applied. */
    record IdempotencyKeyReused(long revision) implements Outcome {}
}
