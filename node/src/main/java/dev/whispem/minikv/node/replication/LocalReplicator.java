package dev.whispem.minikv.node.replication;

import dev.whispem.minikv.node.storage.KvStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * A single-replica "group" without a consensus log: one writer thread drains every pending command,
 * applies them in order and writes them to storage in one synced batch (group commit), so the cost
 * of an fsync is shared by all the writes waiting at that moment.
 *
 * <p>Used by the in-memory test configuration and as the simplest durable standalone engine.
 */
public final class LocalReplicator implements Replicator {

    private static final Logger LOG = Logger.getLogger(LocalReplicator.class);
    private static final int MAX_BATCH = 4096;

    private record Pending(int group, Command.Proposal proposal, CompletableFuture<Outcome> done) {}

    private final KvStore store;
    private final GroupStateMachine[] groups;
    private final boolean sync;
    private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(65536);
    private final Thread writer;
    private final CommitObserver observer;
    private volatile boolean running = true;

    public LocalReplicator(KvStore store, int groupCount, boolean sync, CommitObserver observer) {
        this.store = store;
        this.sync = sync;
        this.observer = observer;
        this.groups = new GroupStateMachine[groupCount];
        for (int g = 0; g < groupCount; g++) {
            groups[g] = new GroupStateMachine(g, store);
        }
        writer = new Thread(this::runWriter, "minikv-group-commit");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public CompletableFuture<Outcome> submit(int group, Command command) {
        CompletableFuture<Outcome> done = new CompletableFuture<>();
        Pending p =
                new Pending(group, new Command.Proposal(System.currentTimeMillis(), command), done);
        try {
            if (!running) {
                throw new IllegalStateException("replicator closed");
            }
            if (!queue.offer(p, 5, TimeUnit.SECONDS)) {
                done.completeExceptionally(new IllegalStateException("write queue full"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done.completeExceptionally(e);
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    private void runWriter() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                long start = System.nanoTime();
                ApplyBatch apply = new ApplyBatch(store);
                List<Outcome> outcomes = new ArrayList<>(batch.size());
                for (Pending p : batch) {
                    outcomes.add(groups[p.group()].apply(apply, p.proposal()));
                }
                apply.commit(sync);
                observer.committed(batch.size(), System.nanoTime() - start);
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).done().complete(outcomes.get(i));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // Nothing of this batch reached storage: fail it, the revision counters in memory
                // are reloaded so the next batch continues from what is durable.
                LOG.error("group commit failed", e);
                for (Pending p : batch) {
                    p.done().completeExceptionally(e);
                }
                for (int g = 0; g < groups.length; g++) {
                    groups[g] = new GroupStateMachine(g, store);
                }
            } finally {
                batch.clear();
            }
        }
    }

    @Override
    public CompletableFuture<Long> readBarrier(int group, boolean linearizable) {
        // One replica, and writes complete only after they are applied: every acknowledged write
        // is already visible, so a read is linearizable without a round.
        return CompletableFuture.completedFuture(groups[group].revision());
    }

    @Override
    public CompletableFuture<byte[]> query(int group, byte[] query) {
        return CompletableFuture.completedFuture(ReadQuery.answer(query, groups[group]));
    }

    @Override
    public GroupStateMachine stateMachine(int group) {
        return groups[group];
    }

    @Override
    public boolean isReady() {
        return running && writer.isAlive();
    }

    @Override
    public List<GroupStatus> groupStatus() {
        List<GroupStatus> out = new ArrayList<>();
        for (GroupStateMachine g : groups) {
            out.add(new GroupStatus(g.group(), "local", "LEADER", 0, g.revision(), g.revision()));
        }
        return out;
    }

    @Override
    public List<String> members() {
        return List.of("local");
    }

    @Override
    public CompletableFuture<Boolean> transferLeadership(int group, String newLeader) {
        return CompletableFuture.completedFuture(false);
    }

    @Override
    public void close() {
        running = false;
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
