package dev.whispem.minikv.node.replication;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Sends a write that carries an idempotency key again when it fails, whatever the failure: the
 * state machine applies it at most once (decision 0125), so a copy that did land in the log answers
 * the later one with its outcome instead of applying twice. What would otherwise end as an unknown
 * outcome (503) — a leader that crashed or stepped down with the entry pending, a forward cut after
 * it was sent, a timeout — becomes the write's real outcome. Writes without a key keep failing as
 * before (decisions 0111, 0123).
 */
final class KeyedResends {

    /** Sends after the first, paused 100, 200, 400, 800 and 1,600 ms: about 3 s in all. */
    static final int MAX_RESENDS = 5;

    private static final long FIRST_PAUSE_MILLIS = 100;

    /**
     * No resend starts later than this after the first send: a send that timed out (15 s) has
     * already used the client's patience.
     */
    static final long RESEND_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final ScheduledExecutorService timer;
    private final BooleanSupplier closing;
    private final CommitObserver observer;

    KeyedResends(ScheduledExecutorService timer, BooleanSupplier closing, CommitObserver observer) {
        this.timer = timer;
        this.closing = closing;
        this.observer = observer;
    }

    /**
     * The outcome of {@code send}, sent again after each failure up to {@link #MAX_RESENDS} times,
     * within {@link #RESEND_WINDOW_NANOS} of the first send, while the node is not closing. The
     * outcome of a resend that found the first copy applied is that copy's outcome, not a replay:
     * the client sent the write once.
     */
    CompletableFuture<Outcome> submit(Supplier<CompletableFuture<Outcome>> send) {
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        attempt(send, 0, System.nanoTime() + RESEND_WINDOW_NANOS, result);
        return result;
    }

    private void attempt(
            Supplier<CompletableFuture<Outcome>> send,
            int resends,
            long lastResendNanos,
            CompletableFuture<Outcome> out) {
        send.get()
                .whenComplete(
                        (outcome, failure) -> {
                            if (failure == null) {
                                out.complete(
                                        resends > 0 && outcome instanceof Outcome.Replayed r
                                                ? r.original()
                                                : outcome);
                            } else {
                                resendOrFail(send, resends, lastResendNanos, failure, out);
                            }
                        });
    }

    private void resendOrFail(
            Supplier<CompletableFuture<Outcome>> send,
            int resends,
            long lastResendNanos,
            Throwable failure,
            CompletableFuture<Outcome> out) {
        long pauseMillis = FIRST_PAUSE_MILLIS << resends;
        if (resends >= MAX_RESENDS
                || closing.getAsBoolean()
                || System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pauseMillis)
                        > lastResendNanos) {
            out.completeExceptionally(unwrap(failure));
            return;
        }
        observer.resentKeyed();
        try {
            timer.schedule(
                    () -> attempt(send, resends + 1, lastResendNanos, out),
                    pauseMillis,
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            out.completeExceptionally(unwrap(failure));
        }
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}
