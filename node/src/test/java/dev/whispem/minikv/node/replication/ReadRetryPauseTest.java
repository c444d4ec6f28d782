package dev.whispem.minikv.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A read that goes again after a pause, and one whose node shut down during the pause. */
class ReadRetryPauseTest {

    @Test
    void theAttemptRunsOnTheCallbacksAfterThePause() throws Exception {
        ExecutorService callbacks = Executors.newSingleThreadExecutor();
        try {
            CompletableFuture<Long> read =
                    GroupReads.afterPause(
                            () -> CompletableFuture.completedFuture(42L),
                            new IllegalStateException("leader unknown"),
                            callbacks,
                            20);
            assertThat(read.get(5, TimeUnit.SECONDS)).isEqualTo(42L);
        } finally {
            callbacks.shutdownNow();
        }
    }

    @Test
    void aNodeShutDownDuringThePauseFailsTheReadAtOnce() {
        ExecutorService callbacks = Executors.newSingleThreadExecutor();
        AtomicBoolean attempted = new AtomicBoolean();
        CompletableFuture<Long> read =
                GroupReads.afterPause(
                        () -> {
                            attempted.set(true);
                            return CompletableFuture.completedFuture(1L);
                        },
                        new IllegalStateException("leader unknown"),
                        callbacks,
                        50);
        callbacks.shutdown();

        // Before, the pause's task was rejected and the read never completed.
        assertThatThrownBy(() -> read.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasMessageContaining("leader unknown");
        assertThat(attempted).isFalse();
    }
}
