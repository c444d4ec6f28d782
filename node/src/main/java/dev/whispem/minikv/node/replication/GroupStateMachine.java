package dev.whispem.minikv.node.replication;

import dev.whispem.minikv.node.storage.DataKey;
import dev.whispem.minikv.node.storage.KvStore;
import dev.whispem.minikv.node.storage.StoredValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The deterministic key-value state machine of one replication group: given the same proposals in
 * the same order, every replica computes the same outcomes and the same storage contents. It never
 * reads a clock (time comes in the proposal) and turns every failed precondition into an outcome,
 * never an exception.
 *
 * <p>Each applied command that writes advances the group's revision by one; a written key's version
 * is that revision, so versions are unique for a key over its whole history.
 */
public final class GroupStateMachine {

    private final int group;
    private final KvStore store;
    private final String revisionName;
    private final String appliedName;
    private long revision;
    private long appliedIndex;

    /**
     * Puts with an expiry this replica has written to storage since it started; not state, only a
     * hint for the expiry sweep to skip a group in which no key can expire. Counted once in
     * storage, so that a sweep reading it never counts a key it cannot see yet.
     */
    private final java.util.concurrent.atomic.AtomicLong expiringPuts =
            new java.util.concurrent.atomic.AtomicLong();

    public GroupStateMachine(int group, KvStore store) {
        this.group = group;
        this.store = store;
        this.revisionName = revisionCounter(group);
        this.appliedName = appliedCounter(group);
        this.revision = store.counter(revisionName);
        this.appliedIndex = store.counter(appliedName);
    }

    public static String revisionCounter(int group) {
        return "rev:" + group;
    }

    public static String appliedCounter(int group) {
        return "applied:" + group;
    }

    /** Re-reads the revision and applied index from the store (after a snapshot install). */
    public synchronized void reload() {
        this.revision = store.counter(revisionName);
        this.appliedIndex = store.counter(appliedName);
    }

    public int group() {
        return group;
    }

    /** The revision of the last applied write. */
    public synchronized long revision() {
        return revision;
    }

    /** The last log index whose effects are in storage (0 when the engine has no log index). */
    public synchronized long appliedIndex() {
        return appliedIndex;
    }

    public KvStore store() {
        return store;
    }

    /** Puts with an expiry stored here since this replica started (not part of the state). */
    public long expiringPuts() {
        return expiringPuts.get();
    }

    /** Applies one proposal into {@code batch}; the caller commits the batch. */
    public synchronized Outcome apply(ApplyBatch batch, Command.Proposal proposal) {
        Outcome outcome =
                switch (proposal.command()) {
                    case Command.Idempotent i -> applyOnce(batch, i, proposal.nowMillis());
                    default -> applyCommand(batch, proposal.command(), proposal.nowMillis());
                };
        batch.counter(revisionName, revision);
        return outcome;
    }

    private Outcome applyCommand(ApplyBatch batch, Command command, long now) {
        return command instanceof Command.Batch b
                ? applyBatch(batch, b, now)
                : applySingle(batch, command, now, true);
    }

    /**
     * Applies an idempotent command unless its record says it was applied already (decision 0125).
     * Keeping the record takes no revision: it is bookkeeping, not a client's key.
     */
    private Outcome applyOnce(ApplyBatch batch, Command.Idempotent idem, long now) {
        Optional<StoredValue> stored = batch.read(idem.record());
        if (stored.isPresent() && !stored.get().isExpiredAt(now)) {
            IdempotencyRecords.Stored earlier = IdempotencyRecords.decode(stored.get().value());
            return java.util.Arrays.equals(earlier.fingerprint(), idem.fingerprint())
                    ? new Outcome.Replayed(earlier.outcome())
                    : new Outcome.IdempotencyKeyReused(revision);
        }
        Outcome outcome = applyCommand(batch, idem.command(), now);
        batch.put(
                idem.record(),
                new StoredValue(
                        revision,
                        idem.expiresAtMillis(),
                        IdempotencyRecords.encode(idem.fingerprint(), outcome)));
        batch.afterCommit(expiringPuts::incrementAndGet);
        return outcome;
    }

    /** Records that log entries up to {@code index} are applied, in the same storage batch. */
    public synchronized void markApplied(ApplyBatch batch, long index) {
        appliedIndex = index;
        batch.counter(appliedName, index);
    }

    private Outcome applySingle(ApplyBatch batch, Command c, long now, boolean ownRevision) {
        long next = ownRevision ? revision + 1 : revision;
        switch (c) {
            case Command.Put put -> {
                // An unconditional put does not need the key's current version: skipping the read
                // saves a storage lookup on the serial apply path (a quarter of the standalone
                // group-commit thread's time went to it).
                if (!put.precondition().isUnconditional()) {
                    long current = currentVersion(batch, put.key(), now);
                    if (!put.precondition().holdsFor(current)) {
                        return new Outcome.PreconditionFailed(current, revision);
                    }
                }
                revision = next;
                if (put.expiresAtMillis() != 0) {
                    batch.afterCommit(expiringPuts::incrementAndGet);
                }
                batch.put(put.key(), new StoredValue(revision, put.expiresAtMillis(), put.value()));
                return new Outcome.Written(revision, revision);
            }
            case Command.Delete del -> {
                Optional<StoredValue> stored = batch.read(del.key());
                long current = versionAt(stored, now);
                if (!del.precondition().holdsFor(current)) {
                    return new Outcome.PreconditionFailed(current, revision);
                }
                if (current == 0) {
                    if (stored.isPresent()) {
                        // Expired: it already reads as absent, so removing what is stored changes
                        // nothing anyone can see and takes no revision. This is how the expiry
                        // sweep (ExpirySweeper) frees the space; every replica applies it alike.
                        batch.delete(del.key());
                    }
                    return new Outcome.Deleted(false, revision);
                }
                revision = next;
                batch.delete(del.key());
                return new Outcome.Deleted(true, revision);
            }
            case Command.Batch nested -> throw new IllegalArgumentException("batches do not nest");
            case Command.Idempotent nested ->
                    throw new IllegalArgumentException("idempotent commands do not nest");
        }
    }

    private Outcome applyBatch(ApplyBatch batch, Command.Batch b, long now) {
        if (b.atomic()) {
            // Check every precondition against the state the batch itself produces, before writing.
            List<Outcome> failures = new ArrayList<>();
            boolean ok = true;
            java.util.Map<DataKey, Long> simulated = new java.util.HashMap<>();
            for (Command op : b.ops()) {
                DataKey key = keyOf(op);
                Precondition p = preconditionOf(op);
                long current =
                        simulated.containsKey(key)
                                ? simulated.get(key)
                                : p.isUnconditional() && op instanceof Command.Put
                                        ? 0
                                        : currentVersion(batch, key, now);
                if (!p.holdsFor(current)) {
                    ok = false;
                    failures.add(new Outcome.PreconditionFailed(current, revision));
                } else {
                    failures.add(null);
                }
                simulated.put(key, op instanceof Command.Put ? revision + 1 : 0L);
            }
            if (!ok) {
                List<Outcome> results = new ArrayList<>();
                for (Outcome f : failures) {
                    results.add(f != null ? f : new Outcome.NotApplied(revision));
                }
                return new Outcome.BatchApplied(results, false, revision);
            }
            revision++;
            List<Outcome> results = new ArrayList<>();
            for (Command op : b.ops()) {
                results.add(applySingle(batch, op, now, false));
            }
            return new Outcome.BatchApplied(results, true, revision);
        }
        List<Outcome> results = new ArrayList<>();
        for (Command op : b.ops()) {
            results.add(applySingle(batch, op, now, true));
        }
        return new Outcome.BatchApplied(results, true, revision);
    }

    private static long currentVersion(ApplyBatch batch, DataKey key, long now) {
        return versionAt(batch.read(key), now);
    }

    /** The version a stored value has at {@code now}: 0 when absent or expired. */
    private static long versionAt(Optional<StoredValue> v, long now) {
        return v.isPresent() && !v.get().isExpiredAt(now) ? v.get().version() : 0;
    }

    private static DataKey keyOf(Command op) {
        return switch (op) {
            case Command.Put p -> p.key();
            case Command.Delete d -> d.key();
            case Command.Batch b -> throw new IllegalArgumentException("batches do not nest");
            case Command.Idempotent i -> throw new IllegalArgumentException("not in a batch");
        };
    }

    private static Precondition preconditionOf(Command op) {
        return switch (op) {
            case Command.Put p -> p.precondition();
            case Command.Delete d -> d.precondition();
            case Command.Batch b -> throw new IllegalArgumentException("batches do not nest");
            case Command.Idempotent i -> throw new IllegalArgumentException("not in a batch");
        };
    }
}
