package dev.whispem.minikv.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How point reads of a group hosted elsewhere are gathered into batches for its leader. */
class ReadForwarderTest {

    /** Records each batch and answers it only when told. */
    private static final class HeldSender implements ReadForwarder.Sender {
        final List<List<ReadForwarder.Read>> batches = new ArrayList<>();
        final List<CompletableFuture<Void>> ends = new ArrayList<>();

        @Override
        public synchronized CompletableFuture<?> send(
                List<ReadForwarder.Read> batch, boolean fromEventLoop) {
            batches.add(batch);
            CompletableFuture<Void> end = new CompletableFuture<>();
            ends.add(end);
            return end;
        }

        /** Answers batch {@code i}: each read gets its own query back. */
        void answer(int i) {
            List<ReadForwarder.Read> batch;
            CompletableFuture<Void> end;
            synchronized (this) {
                batch = batches.get(i);
                end = ends.get(i);
            }
            batch.forEach(r -> r.answer().complete(r.query()));
            end.complete(null);
        }

        synchronized int sent() {
            return batches.size();
        }
    }

    private static byte[] query(int i) {
        return new byte[] {'G', (byte) i};
    }

    @Test
    void readsArrivingWhileABatchIsOutGoTogetherInTheNext() throws Exception {
        HeldSender sender = new HeldSender();
        ReadForwarder forwarder = new ReadForwarder(sender, Runnable::run);

        CompletableFuture<byte[]> first = forwarder.read(query(0));
        List<CompletableFuture<byte[]>> next = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            next.add(forwarder.read(query(i)));
        }

        assertThat(sender.sent()).as("one batch out at a time").isEqualTo(1);
        sender.answer(0);
        assertThat(first.get(1, TimeUnit.SECONDS)).isEqualTo(query(0));
        assertThat(sender.sent()).isEqualTo(2);
        assertThat(sender.batches.get(1)).hasSize(10);
        assertThat(next).noneMatch(CompletableFuture::isDone);
        sender.answer(1);
        for (int i = 1; i <= 10; i++) {
            assertThat(next.get(i - 1).get(1, TimeUnit.SECONDS)).isEqualTo(query(i));
        }
    }

    @Test
    void aBatchHoldsAtMostTheMaximumAndTheRestFollows() throws Exception {
        HeldSender sender = new HeldSender();
        ReadForwarder forwarder = new ReadForwarder(sender, Runnable::run);
        forwarder.read(query(0));
        int queued = ReadForwarder.MAX_BATCH + 5;
        for (int i = 0; i < queued; i++) {
            forwarder.read(query(i));
        }

        sender.answer(0);
        assertThat(sender.batches.get(1)).hasSize(ReadForwarder.MAX_BATCH);
        sender.answer(1);
        assertThat(sender.batches.get(2)).hasSize(5);
    }

    @Test
    void aSenderThatFailsFailsItsReadsAndTheNextBatchStillGoes() throws Exception {
        List<Integer> sizes = new ArrayList<>();
        ReadForwarder forwarder =
                new ReadForwarder(
                        (batch, fromEventLoop) -> {
                            sizes.add(batch.size());
                            if (sizes.size() == 1) {
                                throw new IllegalStateException("no client");
                            }
                            batch.forEach(r -> r.answer().complete(r.query()));
                            return CompletableFuture.completedFuture(null);
                        },
                        Runnable::run);

        CompletableFuture<byte[]> failed = forwarder.read(query(1));
        CompletableFuture<byte[]> later = forwarder.read(query(2));

        assertThat(failed)
                .failsWithin(1, TimeUnit.SECONDS)
                .withThrowableThat()
                .withMessageContaining("no client");
        assertThat(later.get(1, TimeUnit.SECONDS)).isEqualTo(query(2));
        assertThat(sizes).containsExactly(1, 1);
    }
}
