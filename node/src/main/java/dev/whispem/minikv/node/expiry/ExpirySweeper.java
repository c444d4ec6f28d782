package dev.whispem.minikv.node.expiry;

import dev.whispem.minikv.node.replication.Command;
import dev.whispem.minikv.node.replication.Outcome;
import dev.whispem.minikv.node.replication.Precondition;
import dev.whispem.minikv.node.replication.Replicator;
import dev.whispem.minikv.node.routing.ShardLayout;
import dev.whispem.minikv.node.storage.DataKey;
import dev.whispem.minikv.node.storage.KvStore;
import dev.whispem.minikv.node.storage.StoredValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * Frees the space of expired keys. An expired key reads as absent from the moment it expires, but
 * its bytes stay in the store until something deletes them; without this sweep a workload of keys
 * with a TTL (sessions, leases, caches) grows the disk without bound.
 *
 * <p>The leader of each shard group walks its group's shards a slice per round, from where the last
 * round stopped, and proposes a delete with the precondition "absent" for every key it finds
 * expired. The delete goes through the log like any write, so every replica removes the same keys
 * at the same log position, and it judges expiry by the proposal's time, as every write does: a key
 * rewritten after the sweep saw it fails the precondition and stays. Deleting an expired key takes
 * no revision and answers "did not exist" (see {@code GroupStateMachine}), so nothing a client can
 * observe changes. Followers do nothing: the walk belongs to whoever leads, and a new leader starts
 * from its own cursor.
 */
public final class ExpirySweeper implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ExpirySweeper.class);

    /** Deletes per proposed batch: one log entry of at most this many keys of up to 1 KiB. */
    static final int DELETES_PER_BATCH = 128;

    /** Value bytes one round reads at most, so that large values do not make a round long. */
    public static final long BYTES_PER_ROUND = 16L << 20;

    /** How long a round waits for its deletes to commit before giving up until the next round. */
    private static final long SUBMIT_TIMEOUT_SECONDS = 30;

    /** What the sweep reports as it goes, for metrics. */
    public interface Observer {
        default void scanned(int keys) {}

        default void removed(int keys) {}

        default void passCompleted(int group) {}

        default void failed() {}
    }

    /** Where the walk of one group stands: a shard of the group and the first key not yet seen. */
    private static final class Cursor {
        int shardIndex;
        byte[] from; // null: the start of the shard

        /** The group's count of puts with an expiry when the current pass began. */
        long expiringPutsAtStart;

        /** Whether the current pass has seen a key with an expiry. */
        boolean sawExpiry;

        /**
         * A whole pass saw no key with an expiry and none was written meanwhile: the group waits
         * for the next such put instead of being walked again, so a store without TTLs costs
         * nothing.
         */
        boolean resting;
    }

    private final Replicator replicator;
    private final ShardLayout layout;
    private final KvStore store;
    private final LongSupplier clock;
    private final int keysPerRound;
    private final Observer observer;
    private final Cursor[] cursors;
    private ScheduledExecutorService timer;

    public ExpirySweeper(
            Replicator replicator,
            ShardLayout layout,
            KvStore store,
            LongSupplier clock,
            int keysPerRound,
            Observer observer) {
        if (keysPerRound < 1) {
            throw new IllegalArgumentException(
                    "minikv.expiry.keys-per-round must be at least 1, got " + keysPerRound);
        }
        this.replicator = replicator;
        this.layout = layout;
        this.store = store;
        this.clock = clock;
        this.keysPerRound = keysPerRound;
        this.observer = observer;
        this.cursors = new Cursor[layout.groups()];
        for (int g = 0; g < cursors.length; g++) {
            cursors[g] = new Cursor();
        }
    }

    /** Runs a round every {@code intervalMillis} on a thread of its own until {@link #close}. */
    public synchronized void start(long intervalMillis) {
        if (intervalMillis < 1) {
            throw new IllegalArgumentException(
                    "minikv.expiry.interval must be at least 1 ms, got " + intervalMillis + " ms");
        }
        if (timer != null) {
            return;
        }
        timer =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "minikv-expiry");
                            t.setDaemon(true);
                            return t;
                        });
        timer.scheduleWithFixedDelay(
                this::roundQuietly, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    private void roundQuietly() {
        try {
            round();
        } catch (RuntimeException e) {
            // The next round starts again from the cursor; a crashed timer would stop sweeping.
            observer.failed();
            LOG.debugf(e, "expiry round failed");
        }
    }

    /**
     * One round: a slice of every group this node leads, the budget shared equally. Returns the
     * number of keys removed.
     */
    public int round() {
        List<Integer> led = new ArrayList<>();
        for (Replicator.GroupStatus s : replicator.groupStatus()) {
            if (s.group() >= cursors.length) {
                continue;
            }
            if ("LEADER".equals(s.role())) {
                led.add(s.group());
            } else {
                // Whoever leads walks; should this node lead again, it starts a pass afresh (a
                // snapshot installed meanwhile may have brought keys with an expiry).
                cursors[s.group()] = new Cursor();
            }
        }
        if (led.isEmpty()) {
            return 0;
        }
        int keys = Math.max(1, keysPerRound / led.size());
        long bytes = Math.max(1, BYTES_PER_ROUND / led.size());
        int removed = 0;
        for (int group : led) {
            removed += sweep(group, keys, bytes);
        }
        return removed;
    }

    /**
     * Walks group {@code group} from its cursor for at most {@code keys} keys; returns removals.
     */
    private int sweep(int group, int keys, long bytes) {
        int[] shards = layout.shardsOf(group);
        Cursor cursor = cursors[group];
        // Counted once in storage, and read before the view is taken: every put counted here is in
        // the view, and one stored later shows as a different count when the pass ends.
        long expiringPuts = replicator.stateMachine(group).expiringPuts();
        if (cursor.resting) {
            if (expiringPuts == cursor.expiringPutsAtStart) {
                return 0;
            }
            cursor.resting = false;
        }
        if (cursor.shardIndex == 0 && cursor.from == null) {
            cursor.expiringPutsAtStart = expiringPuts;
            cursor.sawExpiry = false;
        }
        long now = clock.getAsLong();
        List<Command> expired = new ArrayList<>();
        int scanned = 0;
        int removed = 0;
        try (KvStore.View view = store.view()) {
            // A round ends with its budget or with the pass: a group is walked once per pass.
            while (scanned < keys && bytes > 0) {
                int shard = shards[cursor.shardIndex];
                Iterator<KvStore.RawEntry> it =
                        view.shard(
                                shard,
                                cursor.from == null ? DataKey.shardStart(shard) : cursor.from);
                while (scanned < keys && bytes > 0 && it.hasNext()) {
                    KvStore.RawEntry e = it.next();
                    scanned++;
                    bytes -= e.value().length;
                    cursor.from = successor(e.key());
                    long expiresAt = StoredValue.expiresAtOf(e.value());
                    cursor.sawExpiry |= expiresAt != 0;
                    if (expiresAt != 0 && now >= expiresAt) {
                        expired.add(
                                new Command.Delete(DataKey.decode(e.key()), Precondition.ABSENT));
                        if (expired.size() == DELETES_PER_BATCH) {
                            removed += delete(group, expired);
                            expired.clear();
                        }
                    }
                }
                if (!it.hasNext()) {
                    cursor.from = null;
                    cursor.shardIndex = (cursor.shardIndex + 1) % shards.length;
                    if (cursor.shardIndex == 0) {
                        observer.passCompleted(group);
                        // Read again: a put stored after the view was taken is not in it.
                        cursor.resting =
                                !cursor.sawExpiry
                                        && replicator.stateMachine(group).expiringPuts()
                                                == cursor.expiringPutsAtStart;
                        break;
                    }
                }
            }
        } finally {
            observer.scanned(scanned);
        }
        if (!expired.isEmpty()) {
            removed += delete(group, expired);
        }
        return removed;
    }

    /**
     * Proposes the deletes as one batch and waits; returns how many applied (the others found the
     * key written again since the walk saw it).
     */
    private int delete(int group, List<Command> deletes) {
        Outcome outcome;
        try {
            outcome =
                    replicator
                            .submit(group, new Command.Batch(deletes, false))
                            .get(SUBMIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "deleting expired keys of group " + group + " failed", e);
        }
        int removed = 0;
        if (outcome instanceof Outcome.BatchApplied applied) {
            for (Outcome op : applied.results()) {
                if (op instanceof Outcome.Deleted) {
                    removed++;
                }
            }
        }
        observer.removed(removed);
        return removed;
    }

    /** The smallest encoded key after {@code key}. */
    private static byte[] successor(byte[] key) {
        return Arrays.copyOf(key, key.length + 1);
    }

    @Override
    public synchronized void close() {
        if (timer == null) {
            return;
        }
        timer.shutdownNow();
        try {
            if (!timer.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("an expiry round was still running at shutdown");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
