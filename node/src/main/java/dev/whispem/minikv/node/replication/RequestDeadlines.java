package dev.whispem.minikv.node.replication;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Fails Raft requests still pending after one fixed timeout, checked by a sweep a few times a
 * second.
 *
 * <p>{@link CompletableFuture#orTimeout} schedules a task on the JDK's shared delay scheduler for
 * every request and cancels it on completion; whenever the scheduler's queue is empty or the new
 * deadline is its earliest, its thread is woken. With one request in flight that is two thread
 * switches per Raft entry, on a machine where a switch costs tens of microseconds. Here a request
 * is only appended to a queue: every request has the same timeout, so the queue is in deadline
 * order and a sweep stops at the first request neither done nor due. A request fails up to one
 * sweep period after its deadline, which a 15 s bound does not mind.
 */
final class RequestDeadlines {
    private record Bound(CompletableFuture<?> future, long deadlineNanos) {}

    private final ConcurrentLinkedQueue<Bound> pending = new ConcurrentLinkedQueue<>();
    private final long timeoutNanos;
    private final LongSupplier nanoClock;

    RequestDeadlines(long timeoutNanos, LongSupplier nanoClock) {
        this.timeoutNanos = timeoutNanos;
        this.nanoClock = nanoClock;
    }

    /** Sweeps on {@code timer} every {@code periodMillis} ms until the timer is shut down. */
    void sweepOn(ScheduledExecutorService timer, long periodMillis) {
        timer.scheduleWithFixedDelay(
                this::sweep, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * Returns {@code future}, which fails with a {@link TimeoutException} once past the timeout.
     */
    <T> CompletableFuture<T> bound(CompletableFuture<T> future) {
        if (!future.isDone()) {
            pending.add(new Bound(future, nanoClock.getAsLong() + timeoutNanos));
        }
        return future;
    }

    /** Drops the done requests at the head of the queue and fails those past their deadline. */
    void sweep() {
        long now = nanoClock.getAsLong();
        for (Bound b = pending.peek(); b != null; b = pending.peek()) {
            boolean due = now - b.deadlineNanos() >= 0;
            if (!b.future().isDone() && !due) {
                return;
            }
            pending.poll();
            if (due) {
                b.future()
                        .completeExceptionally(
                                new TimeoutException(
                                        "no answer within "
                                                + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos)
                                                + " s"));
            }
        }
    }

    /** Requests bound and not yet swept away (done or not). */
    int tracked() {
        return pending.size();
    }
}
