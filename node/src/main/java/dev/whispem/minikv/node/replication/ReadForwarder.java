package dev.whispem.minikv.node.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Gathers the reads (point reads and scans) of one group this node does not host into batches for
 * its leader ({@link ForwardedReads}): one batch in flight at a time, and the reads that arrive
 * meanwhile go together in the next, at most {@link #MAX_BATCH} of them. Like {@link ReadBarrier},
 * a busy group so sends one message per round trip instead of one per read.
 */
final class ReadForwarder {

    /** Most reads in one batch; the leader answers a batch after one read-barrier round. */
    static final int MAX_BATCH = 256;

    /** A read waiting for its answer. */
    record Read(byte[] query, CompletableFuture<byte[]> answer) {}

    /** Sends one batch. */
    @FunctionalInterface
    interface Sender {
        /**
         * Sends {@code batch} and completes each read's answer.
         *
         * @param fromEventLoop whether the caller is an event loop, which must not wait on Ratis
         * @return completes once every read of the batch is answered or handed on (the next batch
         *     may go); failed, it fails the reads not yet answered
         */
        CompletableFuture<?> send(List<Read> batch, boolean fromEventLoop);
    }

    private final Sender sender;
    private final Executor callbacks;
    private List<Read> waiting = new ArrayList<>();
    private boolean running;

    /**
     * @param callbacks where a batch's end continues: the next batch is sent from there
     */
    ReadForwarder(Sender sender, Executor callbacks) {
        this.sender = sender;
        this.callbacks = callbacks;
    }

    /** Completes with the answer to {@code query}, a {@link ReadQuery} of this group. */
    CompletableFuture<byte[]> read(byte[] query) {
        Read r = new Read(query, new CompletableFuture<>());
        synchronized (this) {
            waiting.add(r);
        }
        send(true);
        return r.answer();
    }

    private void send(boolean fromEventLoop) {
        List<Read> batch;
        synchronized (this) {
            if (running || waiting.isEmpty()) {
                return;
            }
            running = true;
            if (waiting.size() <= MAX_BATCH) {
                batch = waiting;
                waiting = new ArrayList<>();
            } else {
                List<Read> first = waiting.subList(0, MAX_BATCH);
                batch = new ArrayList<>(first);
                first.clear();
            }
        }
        CompletableFuture<?> sent;
        try {
            sent = sender.send(batch, fromEventLoop);
        } catch (RuntimeException e) {
            // Thrown here it would leave this forwarder running for good.
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenCompleteAsync(
                (done, error) -> {
                    synchronized (this) {
                        running = false;
                    }
                    send(false);
                    if (error != null) {
                        // The sender failed before answering: no read of the batch waits for good.
                        batch.forEach(r -> r.answer().completeExceptionally(error));
                    }
                },
                callbacks);
    }
}
