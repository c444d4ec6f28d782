package dev.whispem.minikv.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class AppliedWaitersTest {

    @Test
    void aWaitEndsOnceTheIndexIsApplied() {
        AppliedWaiters waiters = new AppliedWaiters();
        waiters.applied(5);

        assertThat(waiters.await(5)).as("already applied").isDone();
        CompletableFuture<Void> at7 = waiters.await(7);
        CompletableFuture<Void> at9 = waiters.await(9);
        waiters.applied(6);
        assertThat(at7).isNotDone();
        waiters.applied(8);
        assertThat(at7).isCompleted();
        assertThat(at9).isNotDone();
        assertThat(waiters.pending()).isEqualTo(1);
        waiters.applied(20);
        assertThat(at9).isCompleted();
        assertThat(waiters.pending()).isZero();
    }

    @Test
    void theAppliedIndexNeverMovesBack() {
        AppliedWaiters waiters = new AppliedWaiters();
        waiters.applied(10);
        waiters.applied(3);

        assertThat(waiters.await(8)).isDone();
    }

    @Test
    void closingFailsEveryWaitNowAndLater() {
        AppliedWaiters waiters = new AppliedWaiters();
        CompletableFuture<Void> pending = waiters.await(4);

        waiters.close("group 0 is closing");

        assertThatThrownBy(pending::get)
                .isInstanceOf(ExecutionException.class)
                .hasMessageContaining("group 0 is closing");
        assertThat(waiters.await(1)).isCompletedExceptionally();
        assertThat(waiters.pending()).isZero();
    }
}
