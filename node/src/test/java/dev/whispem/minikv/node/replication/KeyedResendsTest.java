package dev.whispem.minikv.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KeyedResendsTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicInteger resent = new AtomicInteger();
    private final KeyedResends resends =
            new KeyedResends(
                    timer,
                    closing::get,
                    new CommitObserver() {
                        @Override
                        public void committed(int commands, long nanos) {}

                        @Override
                        public void resentKeyed() {
                            resent.incrementAndGet();
                        }
                    });

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    /** A send that always fails, counting its calls in {@code sends}. */
    private static java.util.function.Supplier<CompletableFuture<Outcome>> failing(
            AtomicInteger sends) {
        return () -> {
            sends.incrementAndGet();
            return unknown();
        };
    }

    private static CompletableFuture<Outcome> unknown() {
        return CompletableFuture.failedFuture(
                new IllegalStateException("changed leader while the write was pending"));
    }

    @Test
    void aFailedKeyedWriteIsSentAgainAndItsFirstCopysOutcomeIsTheAnswer() throws Exception {
        Outcome applied = new Outcome.Written(7, 7);
        AtomicInteger sends = new AtomicInteger();

        Outcome outcome =
                resends.submit(
                                () ->
                                        switch (sends.incrementAndGet()) {
                                            case 1, 2 -> unknown();
                                            // The first copy had committed after all.
                                            default ->
                                                    CompletableFuture.completedFuture(
                                                            new Outcome.Replayed(applied));
                                        })
                        .get(10, TimeUnit.SECONDS);

        assertThat(outcome).as("the client sent it once: not a replay to it").isEqualTo(applied);
        assertThat(sends).hasValue(3);
        assertThat(resent).hasValue(2);
    }

    @Test
    void aClientsOwnRetryStaysAReplay() throws Exception {
        Outcome replayed = new Outcome.Replayed(new Outcome.Written(7, 7));
        assertThat(
                        resends.submit(() -> CompletableFuture.completedFuture(replayed))
                                .get(10, TimeUnit.SECONDS))
                .isEqualTo(replayed);
        assertThat(resent).hasValue(0);
    }

    @Test
    void resendsAreBoundedAndTheLastFailureIsTheAnswer() {
        AtomicInteger sends = new AtomicInteger();
        CompletableFuture<Outcome> outcome = resends.submit(failing(sends));

        assertThatThrownBy(() -> outcome.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("changed leader");
        assertThat(sends).hasValue(1 + KeyedResends.MAX_RESENDS);
    }

    @Test
    void nothingIsSentAgainOnceTheNodeCloses() {
        closing.set(true);
        AtomicInteger sends = new AtomicInteger();
        CompletableFuture<Outcome> outcome = resends.submit(failing(sends));

        assertThatThrownBy(() -> outcome.get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(IllegalStateException.class);
        assertThat(sends).hasValue(1);
    }
}
