package dev.whispem.minikv.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.whispem.minikv.node.storage.DataKey;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How {@link GroupProposer} turns commands into entries, with a sender that Ratis is not behind.
 */
class GroupProposerTest {

    /** Entries handed to the sender, in order, with the futures the test completes. */
    private final List<List<Command.Proposal>> entries =
            java.util.Collections.synchronizedList(new ArrayList<>());

    private final List<CompletableFuture<List<Outcome>>> replies =
            java.util.Collections.synchronizedList(new ArrayList<>());

    /** Whether each entry carried commands forwarded by another member. */
    private final List<Boolean> carriedForwarded =
            java.util.Collections.synchronizedList(new ArrayList<>());

    private final java.util.concurrent.atomic.AtomicInteger resent =
            new java.util.concurrent.atomic.AtomicInteger();

    private final List<Throwable> failures = new ArrayList<>();
    private final List<Integer> observed = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    private RuntimeException throwOnNextSend;
    private boolean proposedHere = true;

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    private GroupProposer proposer(int maxCommandsPerEntry) {
        GroupProposer.EntrySender sender =
                new GroupProposer.EntrySender() {
                    @Override
                    public GroupProposer.Sent send(
                            int group, byte[] payload, boolean carriesForwarded) {
                        if (throwOnNextSend != null) {
                            RuntimeException e = throwOnNextSend;
                            throwOnNextSend = null;
                            throw e;
                        }
                        entries.add(CommandCodec.decodeAll(payload));
                        carriedForwarded.add(carriesForwarded);
                        CompletableFuture<List<Outcome>> reply = new CompletableFuture<>();
                        replies.add(reply);
                        return new GroupProposer.Sent(reply, proposedHere);
                    }

                    @Override
                    public void failed(int group, Throwable error) {
                        failures.add(error);
                    }
                };
        // The submitter runs the pump on the caller's thread, so each step is visible at once.
        return new GroupProposer(
                3,
                config(maxCommandsPerEntry),
                sender,
                Runnable::run,
                timer,
                new CommitObserver() {
                    @Override
                    public void committed(int commands, long nanos) {
                        observed.add(commands);
                    }

                    @Override
                    public void resentRefused() {
                        resent.incrementAndGet();
                    }
                });
    }

    /** One entry in flight, {@code maxCommandsPerEntry} commands per entry, no linger. */
    private static RaftConfig config(int maxCommandsPerEntry) {
        return (RaftConfig)
                Proxy.newProxyInstance(
                        RaftConfig.class.getClassLoader(),
                        new Class<?>[] {RaftConfig.class},
                        (proxy, method, args) ->
                                switch (method.getName()) {
                                    case "maxInFlightPerGroup" -> 1;
                                    case "maxCommandsPerEntry" -> maxCommandsPerEntry;
                                    case "batchLingerMicros" -> 0;
                                    default ->
                                            throw new UnsupportedOperationException(
                                                    method.getName());
                                });
    }

    private static Command.Proposal put(String key) {
        return new Command.Proposal(
                1_000L,
                new Command.Put(
                        new DataKey(3, "t", key.getBytes(StandardCharsets.UTF_8)),
                        new byte[] {1},
                        0,
                        Precondition.NONE));
    }

    private static String keyOf(Command.Proposal p) {
        return new String(((Command.Put) p.command()).key().key(), StandardCharsets.UTF_8);
    }

    private static List<Outcome> written(int n, long firstRevision) {
        List<Outcome> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Outcome.Written(firstRevision + i, firstRevision + i));
        }
        return out;
    }

    @Test
    void commandsArrivingWhileAnEntryIsInFlightShareTheNextEntry() throws Exception {
        GroupProposer proposer = proposer(1024);
        CompletableFuture<Outcome> first = proposer.submit(put("a"));
        List<CompletableFuture<Outcome>> next = new ArrayList<>();
        for (String k : List.of("b", "c", "d")) {
            next.add(proposer.submit(put(k)));
        }

        assertThat(entries).hasSize(1);
        assertThat(entries.get(0)).extracting(GroupProposerTest::keyOf).containsExactly("a");

        replies.get(0).complete(written(1, 10));
        assertThat(first.get(1, TimeUnit.SECONDS)).isEqualTo(new Outcome.Written(10, 10));
        assertThat(entries).hasSize(2);
        assertThat(entries.get(1))
                .extracting(GroupProposerTest::keyOf)
                .containsExactly("b", "c", "d");

        replies.get(1).complete(written(3, 11));
        for (int i = 0; i < 3; i++) {
            assertThat(next.get(i).get(1, TimeUnit.SECONDS))
                    .as("each writer gets its own command's outcome")
                    .isEqualTo(new Outcome.Written(11 + i, 11 + i));
        }
        assertThat(observed).containsExactly(1, 3);
    }

    @Test
    void anEntryCarriesAtMostMaxCommandsPerEntry() {
        GroupProposer proposer = proposer(2);
        proposer.submit(put("a"));
        for (String k : List.of("b", "c", "d", "e", "f")) {
            proposer.submit(put(k));
        }

        replies.get(0).complete(written(1, 1));
        replies.get(1).complete(written(2, 2));
        replies.get(2).complete(written(2, 4));

        assertThat(entries).extracting(List::size).containsExactly(1, 2, 2, 1);
    }

    @Test
    void commandsForwardedByAnotherMemberAnswerTogether() throws Exception {
        GroupProposer proposer = proposer(1024);
        List<CompletableFuture<Outcome>> all =
                proposer.submitForwarded(List.of(put("x"), put("y")));

        assertThat(entries.get(0)).extracting(GroupProposerTest::keyOf).containsExactly("x", "y");
        assertThat(carriedForwarded).containsExactly(true);
        assertThat(all).noneMatch(CompletableFuture::isDone);
        replies.get(0).complete(written(2, 7));
        assertThat(all.get(1).get(1, TimeUnit.SECONDS)).isEqualTo(written(2, 7).get(1));
    }

    /** Waits for the pump, which resumes on the timer after a refusal, to send entry {@code n}. */
    private void awaitEntries(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (entries.size() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("entry " + n + " was not sent");
            }
            Thread.sleep(5);
        }
    }

    @Test
    void anEntryRefusedDuringAHandOverIsSentAgainAfterAPause() throws Exception {
        GroupProposer proposer = proposer(1024);
        CompletableFuture<Outcome> a = proposer.submit(put("a"));
        CompletableFuture<Outcome> b = proposer.submit(put("b"));

        long refusedAt = System.nanoTime();
        replies.get(0).completeExceptionally(NeverApplied.handingOver(3));

        assertThat(a).as("nothing was proposed: not failed, sent again").isNotDone();
        awaitEntries(2);
        assertThat(System.nanoTime() - refusedAt)
                .as("the next entry waited for the hand-over")
                .isGreaterThanOrEqualTo(
                        TimeUnit.MILLISECONDS.toNanos(GroupProposer.RESEND_PAUSE_MILLIS));
        assertThat(entries.get(1))
                .extracting(GroupProposerTest::keyOf)
                .as("the refused command first, in its order")
                .containsExactly("a", "b");
        replies.get(1).complete(written(2, 9));
        assertThat(a.get(1, TimeUnit.SECONDS)).isEqualTo(new Outcome.Written(9, 9));
        assertThat(b.get(1, TimeUnit.SECONDS)).isEqualTo(new Outcome.Written(10, 10));
        assertThat(resent.get()).isEqualTo(1);
        assertThat(failures).as("a refusal is no failure of the sender").isEmpty();
    }

    @Test
    void forwardedCommandsOfARefusedEntryGoBackToTheirMembers() throws Exception {
        GroupProposer proposer = proposer(1024);
        List<CompletableFuture<Outcome>> inEntry =
                proposer.submitForwarded(List.of(put("x"), put("y")));
        CompletableFuture<Outcome> own = proposer.submit(put("a"));
        List<CompletableFuture<Outcome>> queued = proposer.submitForwarded(List.of(put("z")));

        replies.get(0).completeExceptionally(NeverApplied.handingOver(3));

        for (CompletableFuture<Outcome> f :
                List.of(inEntry.get(0), inEntry.get(1), queued.get(0))) {
            assertThatThrownBy(() -> f.get(1, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(NeverApplied.class);
        }
        awaitEntries(2);
        assertThat(entries.get(1)).extracting(GroupProposerTest::keyOf).containsExactly("a");
        assertThat(carriedForwarded).containsExactly(true, false);
        replies.get(1).complete(written(1, 4));
        assertThat(own.get(1, TimeUnit.SECONDS)).isEqualTo(new Outcome.Written(4, 4));
    }

    @Test
    void aFailedEntryFailsItsCommandsAndFreesTheSlot() throws Exception {
        GroupProposer proposer = proposer(1024);
        CompletableFuture<Outcome> lost = proposer.submit(put("a"));
        CompletableFuture<Outcome> queued = proposer.submit(put("b"));

        IllegalStateException error = new IllegalStateException("replication failed");
        replies.get(0).completeExceptionally(error);

        assertThatThrownBy(() -> lost.get(1, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCause(error);
        assertThat(failures).containsExactly(error);
        assertThat(entries).as("the next entry leaves after the failure").hasSize(2);
        replies.get(1).complete(written(1, 5));
        assertThat(queued.get(1, TimeUnit.SECONDS)).isEqualTo(new Outcome.Written(5, 5));
        assertThat(observed).as("a failed entry is no commit").containsExactly(1);
    }

    @Test
    void aSenderThatThrowsFailsTheEntryButNotTheProposer() throws Exception {
        GroupProposer proposer = proposer(1024);
        throwOnNextSend = new IllegalStateException("no client for group 3 yet");

        CompletableFuture<Outcome> failed = proposer.submit(put("a"));
        assertThatThrownBy(() -> failed.get(1, TimeUnit.SECONDS)).hasMessageContaining("no client");

        CompletableFuture<Outcome> later = proposer.submit(put("b"));
        assertThat(entries).hasSize(1);
        replies.get(0).complete(written(1, 1));
        assertThat(later.get(1, TimeUnit.SECONDS)).isEqualTo(new Outcome.Written(1, 1));
    }

    @Test
    void onlyEntriesProposedHereCountAsThisNodesCommits() throws Exception {
        proposedHere = false; // forwarded to the leader, which observes its own commit
        GroupProposer proposer = proposer(1024);
        CompletableFuture<Outcome> done = proposer.submit(put("a"));
        replies.get(0).complete(written(1, 1));

        assertThat(done.get(1, TimeUnit.SECONDS)).isEqualTo(new Outcome.Written(1, 1));
        assertThat(observed).isEmpty();
    }
}
