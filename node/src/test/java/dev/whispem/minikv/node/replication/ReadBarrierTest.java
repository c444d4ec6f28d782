package dev.whispem.minikv.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** How {@link ReadBarrier} shares ReadIndex rounds, with rounds the test answers by hand. */
class ReadBarrierTest {

    private final List<CompletableFuture<Long>> rounds = new ArrayList<>();
    private final List<Boolean> sentFromEventLoop = new ArrayList<>();
    private final List<Integer> readsPerRound = new ArrayList<>();
    private RuntimeException throwOnNextRound;

    private final ReadBarrier barrier =
            new ReadBarrier(
                    fromEventLoop -> {
                        if (throwOnNextRound != null) {
                            RuntimeException e = throwOnNextRound;
                            throwOnNextRound = null;
                            throw e;
                        }
                        sentFromEventLoop.add(fromEventLoop);
                        CompletableFuture<Long> round = new CompletableFuture<>();
                        rounds.add(round);
                        return round;
                    },
                    Runnable::run,
                    new CommitObserver() {
                        @Override
                        public void committed(int commands, long nanos) {}

                        @Override
                        public void readBarrier(int reads) {
                            readsPerRound.add(reads);
                        }
                    });

    @Test
    void readsArrivingDuringARoundWaitForTheNextOne() throws Exception {
        CompletableFuture<Long> first = barrier.await();
        CompletableFuture<Long> second = barrier.await();
        CompletableFuture<Long> third = barrier.await();

        assertThat(rounds).as("one round in flight").hasSize(1);
        rounds.get(0).complete(40L);

        assertThat(first.get()).isEqualTo(40L);
        // A round that started before these reads arrived cannot vouch for them.
        assertThat(second).isNotDone();
        assertThat(third).isNotDone();
        assertThat(rounds).as("the next round left as the first ended").hasSize(2);

        rounds.get(1).complete(45L);
        assertThat(second.get()).isEqualTo(45L);
        assertThat(third.get()).isEqualTo(45L);
        assertThat(readsPerRound).containsExactly(1, 2);
        assertThat(rounds).hasSize(2);
    }

    @Test
    void onlyTheFirstRoundOfABurstIsSentFromTheEventLoop() {
        barrier.await();
        barrier.await();
        rounds.get(0).complete(1L);

        assertThat(sentFromEventLoop).containsExactly(true, false);
    }

    @Test
    void aFailedRoundFailsItsReadsAndTheNextRoundStillLeaves() throws Exception {
        CompletableFuture<Long> failed = barrier.await();
        CompletableFuture<Long> next = barrier.await();
        NotLeaderException error = new NotLeaderException("n2");

        rounds.get(0).completeExceptionally(error);

        assertThatThrownBy(failed::get).isInstanceOf(ExecutionException.class).hasCause(error);
        assertThat(next).isNotDone();
        rounds.get(1).complete(7L);
        assertThat(next.get()).isEqualTo(7L);
    }

    @Test
    void aRoundThatCannotBeSentFailsItsReadsWithoutStoppingTheBarrier() throws Exception {
        throwOnNextRound = new IllegalStateException("no client for the group yet");

        CompletableFuture<Long> failed = barrier.await();
        assertThatThrownBy(failed::get).hasMessageContaining("no client");

        CompletableFuture<Long> later = barrier.await();
        assertThat(rounds).hasSize(1);
        rounds.get(0).complete(3L);
        assertThat(later.get()).isEqualTo(3L);
    }
}
