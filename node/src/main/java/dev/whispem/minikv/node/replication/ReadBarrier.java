package dev.whispem.minikv.node.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Shares one ReadIndex round of a group among all linearizable reads waiting when it starts: one
 * round in flight at a time, and the reads that arrive meanwhile wait for the next. A read is
 * answered with a read index from a round that started after it arrived, which is what makes it
 * linearizable; more rounds in flight at once only cost this 2-core machine more than they save
 * (docs/performance.md).
 */
final class ReadBarrier {

    /** Sends one ReadIndex round and answers the read index. */
    @FunctionalInterface
    interface Round {
        /**
         * @param fromEventLoop whether the caller is an event loop, which must not wait on Ratis:
         *     the round is then sent from another thread
         */
        CompletableFuture<Long> send(boolean fromEventLoop);
    }

    private final Round round;
    private final Executor callbacks;
    private final CommitObserver observer;
    private List<CompletableFuture<Long>> waiting = new ArrayList<>();
    private boolean running;

    /**
     * @param callbacks where a round's end continues: the next round starts there, then its reads
     *     are answered
     */
    ReadBarrier(Round round, Executor callbacks, CommitObserver observer) {
        this.round = round;
        this.callbacks = callbacks;
        this.observer = observer;
    }

    /** Completes with a read index at least as new as everything committed before this call. */
    CompletableFuture<Long> await() {
        CompletableFuture<Long> f = new CompletableFuture<>();
        synchronized (this) {
            waiting.add(f);
        }
        start(true);
        return f;
    }

    /**
     * Starts a round for the reads waiting, unless one is running. From an event loop the round is
     * sent from another thread; from a callback thread (the end of the previous round) it is sent
     * at once, before that round's reads are answered, so the next round trip overlaps their
     * lookups and answers. Every read it covers arrived before it starts.
     */
    private void start(boolean onEventLoop) {
        List<CompletableFuture<Long>> batch;
        synchronized (this) {
            if (running || waiting.isEmpty()) {
                return;
            }
            running = true;
            batch = waiting;
            waiting = new ArrayList<>();
        }
        observer.readBarrier(batch.size());
        CompletableFuture<Long> sent;
        try {
            sent = round.send(onEventLoop);
        } catch (RuntimeException e) {
            // Thrown here it would leave this barrier running for good.
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenCompleteAsync(
                (index, error) -> {
                    synchronized (this) {
                        running = false;
                    }
                    start(false);
                    for (CompletableFuture<Long> f : batch) {
                        if (error != null) {
                            f.completeExceptionally(error);
                        } else {
                            f.complete(index);
                        }
                    }
                },
                callbacks);
    }
}
