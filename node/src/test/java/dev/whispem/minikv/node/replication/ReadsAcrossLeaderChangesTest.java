package dev.whispem.minikv.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whispem.minikv.node.storage.DataKey;
import dev.whispem.minikv.node.storage.StoredValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Linearizable reads stay linearizable while leadership moves. The leader answers reads from its
 * lease without asking its followers; a transfer elects the new leader without waiting out an
 * election timeout, so an old leader that kept its lease through a transfer could answer a read
 * after the new one had acknowledged a later write. Ratis gives up the lease when a transfer
 * starts; this test holds it (and our read paths: a leader's own, a follower asking the leader for
 * a read index, a node hosting nothing forwarding batches) to that while the writes go on. No read
 * fails either: while the group has no leader for a moment, reads wait for the next one.
 */
class ReadsAcrossLeaderChangesTest extends ThreeReplicaTest {

    private static final DataKey KEY = RaftReplicas.keyInGroup0(0);

    /** The highest value whose write was acknowledged: a read that starts later sees no less. */
    private final AtomicLong acknowledged = new AtomicLong();

    /**
     * Values whose write failed with an unknown outcome: such a write may take effect at any later
     * time (a request still on its way reaches a later leader), so reading it after a newer
     * acknowledged value is no violation.
     */
    private final java.util.Set<Long> unknownOutcomes =
            java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final AtomicBoolean running = new AtomicBoolean(true);

    private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();

    private final ConcurrentLinkedQueue<String> failedReads = new ConcurrentLinkedQueue<>();

    @Test
    void noReadMissesAnAcknowledgedWriteWhileLeadershipMoves() throws Exception {
        RaftReplicas.Node outsider = startWithOutsider(true);
        List<RaftReplicas.Node> members = new ArrayList<>(replicas.nodes);
        members.remove(outsider);

        List<Thread> threads = new ArrayList<>();
        threads.add(Thread.ofPlatform().name("writer").start(() -> write(members)));
        List<AtomicLong> readsDone = new ArrayList<>();
        for (RaftReplicas.Node node : replicas.nodes) {
            AtomicLong done = new AtomicLong();
            readsDone.add(done);
            threads.add(
                    Thread.ofPlatform().name("reader-" + node.id).start(() -> read(node, done)));
        }

        int transfers = 6;
        for (int t = 0; t < transfers; t++) {
            RaftReplicas.Node from = replicas.leaderOf(0);
            RaftReplicas.Node to = members.get((members.indexOf(from) + 1) % members.size());
            long before = acknowledged.get();
            awaitTransfer(from, to.id);
            RaftReplicas.await("group 0 led by " + to.id, () -> to.replicator.isLeader(0));
            RaftReplicas.await(
                    "writes acknowledged under " + to.id, () -> acknowledged.get() > before + 20);
        }
        running.set(false);
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(thread.isAlive()).as(thread.getName() + " finished").isFalse();
        }

        assertThat(violations).as("reads that missed an acknowledged write").isEmpty();
        assertThat(failedReads).as("reads that failed while leadership moved").isEmpty();
        for (int i = 0; i < readsDone.size(); i++) {
            assertThat(readsDone.get(i).get())
                    .as("reads answered through " + replicas.nodes.get(i).id)
                    .isGreaterThan(10);
        }
        long last = acknowledged.get();
        for (RaftReplicas.Node node : replicas.nodes) {
            assertThat(valueRead(node))
                    .as("the last write, read through " + node.id)
                    .isEqualTo(last);
        }
    }

    /**
     * Writes 1, 2, 3, ... to one key, one at a time, through each member in turn (the followers
     * forward to the leader). A write whose outcome is unknown (a leader change cut it off) is
     * noted before the next one starts.
     */
    private void write(List<RaftReplicas.Node> members) {
        long next = 1;
        while (running.get()) {
            RaftReplicas.Node through = members.get((int) (next % members.size()));
            Command put =
                    new Command.Put(
                            KEY,
                            Long.toString(next).getBytes(StandardCharsets.UTF_8),
                            0,
                            Precondition.NONE);
            try {
                through.replicator.submit(0, put).get(30, TimeUnit.SECONDS);
                acknowledged.set(next);
            } catch (Exception unknownOutcome) {
                unknownOutcomes.add(next);
            }
            next++;
        }
    }

    /**
     * Reads the key through {@code node} again and again: each value must be at least the last
     * write acknowledged before the read began, and at least what this reader saw before, unless it
     * is a write whose outcome was unknown.
     */
    private void read(RaftReplicas.Node node, AtomicLong done) {
        long seen = 0;
        while (running.get()) {
            long floor = Math.max(acknowledged.get(), seen);
            long value;
            try {
                value = valueRead(node);
            } catch (Exception e) {
                // A planned transfer leaves the group without a leader for a moment only: reads
                // wait it out (GroupReads) instead of failing.
                if (failedReads.size() < 20) {
                    failedReads.add(node.id + ": " + e);
                }
                continue;
            }
            if (value < floor && !unknownOutcomes.contains(value) && violations.size() < 20) {
                violations.add(node.id + " read " + value + " after " + floor);
            }
            seen = Math.max(seen, value);
            done.incrementAndGet();
        }
    }

    /**
     * A linearizable read of the key through {@code node}, the way a request reaches it: a member
     * passes its read barrier and reads its replica, a node hosting nothing forwards the read.
     */
    private static long valueRead(RaftReplicas.Node node) throws Exception {
        Optional<StoredValue> value;
        if (node.replicator.hosts(0)) {
            node.replicator.readBarrier(0, true).get(30, TimeUnit.SECONDS);
            value = node.replicator.stateMachine(0).store().get(KEY);
        } else {
            value =
                    node.replicator
                            .query(0, ReadQuery.encode(new ReadQuery.Get(KEY)))
                            .thenApply(ReadQuery::decodeValue)
                            .get(30, TimeUnit.SECONDS)
                            .value();
        }
        return value.map(v -> Long.parseLong(new String(v.value(), StandardCharsets.UTF_8)))
                .orElse(0L);
    }
}
