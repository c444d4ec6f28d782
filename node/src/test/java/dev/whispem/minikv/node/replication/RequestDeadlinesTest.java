package dev.whispem.minikv.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class RequestDeadlinesTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final RequestDeadlines deadlines = new RequestDeadlines(100, now::get);

    @Test
    void aRequestStillPendingAtItsDeadlineFailsWithATimeout() {
        CompletableFuture<String> f = deadlines.bound(new CompletableFuture<>());
        now.addAndGet(99);
        deadlines.sweep();
        assertThat(f).isNotDone();
        now.addAndGet(1);
        deadlines.sweep();
        Assertions.assertThatThrownBy(f::get)
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TimeoutException.class)
                .hasMessageContaining("no answer within");
        assertThat(deadlines.tracked()).isZero();
    }

    @Test
    void aRequestAnsweredInTimeKeepsItsAnswerAndLeavesTheQueue() throws Exception {
        CompletableFuture<String> f = deadlines.bound(new CompletableFuture<>());
        f.complete("ok");
        deadlines.sweep();
        assertThat(deadlines.tracked()).isZero();
        now.addAndGet(1_000);
        deadlines.sweep();
        assertThat(f.get()).isEqualTo("ok");
    }

    @Test
    void aSweepStopsAtTheFirstRequestNeitherDoneNorDue() {
        CompletableFuture<String> first = deadlines.bound(new CompletableFuture<>());
        now.addAndGet(50);
        CompletableFuture<String> second = deadlines.bound(new CompletableFuture<>());
        CompletableFuture<String> third = deadlines.bound(new CompletableFuture<>());
        third.complete("early");
        now.addAndGet(50);
        deadlines.sweep();
        assertThat(first).isCompletedExceptionally();
        assertThat(second).isNotDone();
        // The answered third waits behind the pending second; it is dropped once the second goes.
        assertThat(deadlines.tracked()).isEqualTo(2);
        second.complete("late");
        deadlines.sweep();
        assertThat(deadlines.tracked()).isZero();
        assertThat(third).isCompletedWithValue("early");
    }

    @Test
    void anAlreadyDoneFutureIsNotTracked() {
        deadlines.bound(CompletableFuture.completedFuture("done"));
        assertThat(deadlines.tracked()).isZero();
    }
}
