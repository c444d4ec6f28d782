package dev.whispem.minikv.node.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Reads waiting for a replica to apply the log up to an index (a read index its leader gave).
 * Completed with no thread of their own: whoever moves the applied index releases them, and whoever
 * waits continues on an executor of its choosing, since the releasing thread is Ratis' apply
 * thread.
 */
final class AppliedWaiters {

    private final TreeMap<Long, List<CompletableFuture<Void>>> byIndex = new TreeMap<>();
    private long applied = -1;
    private IllegalStateException closed;

    /** Completes once the applied index is at least {@code index}; at once when it already is. */
    CompletableFuture<Void> await(long index) {
        synchronized (this) {
            if (closed != null) {
                return CompletableFuture.failedFuture(closed);
            }
            if (index > applied) {
                CompletableFuture<Void> f = new CompletableFuture<>();
                byIndex.computeIfAbsent(index, i -> new ArrayList<>(2)).add(f);
                return f;
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    /** The replica has applied up to {@code index}: releases everyone waiting for it or less. */
    void applied(long index) {
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        synchronized (this) {
            if (index <= applied) {
                return;
            }
            applied = index;
            Map<Long, List<CompletableFuture<Void>>> head = byIndex.headMap(index, true);
            head.values().forEach(ready::addAll);
            head.clear();
        }
        ready.forEach(f -> f.complete(null));
    }

    /** The replica is closing: fails everyone waiting and every later wait. */
    void close(String why) {
        List<CompletableFuture<Void>> waiting = new ArrayList<>();
        IllegalStateException failure = new IllegalStateException(why);
        synchronized (this) {
            closed = failure;
            byIndex.values().forEach(waiting::addAll);
            byIndex.clear();
        }
        waiting.forEach(f -> f.completeExceptionally(failure));
    }

    /** How many waits are pending, for tests. */
    synchronized int pending() {
        return byIndex.values().stream().mapToInt(List::size).sum();
    }
}
