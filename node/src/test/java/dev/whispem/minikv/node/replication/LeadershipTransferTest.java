package dev.whispem.minikv.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A group's leader hands its leadership only to a member that answers it: Ratis holds new writes
 * back during a transfer, so one to a member that is down would stall them until it timed out.
 */
class LeadershipTransferTest extends ThreeReplicaTest {

    @Test
    void leadershipGoesOnlyToAMemberThatAnswers() throws Exception {
        replicas = new RaftReplicas(dir, 0, 1024, true);
        replicas.startAll();
        RaftReplicas.Node leader = replicas.leaderOf(0);
        RaftReplicas.Node[] others =
                replicas.nodes.stream().filter(n -> n != leader).toArray(RaftReplicas.Node[]::new);

        // A member that is not the leader refuses and names the leader.
        assertThatThrownBy(() -> others[0].replicator.transferLeadership(0, others[1].id).get())
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(NotLeaderException.class);

        // Asked by name, leadership moves to a member that answers.
        awaitTransfer(leader, others[0].id);
        RaftReplicas.await("the new leader to take over", () -> others[0].replicator.isLeader(0));

        // With one member down, a transfer to it is refused at once, and writes go on.
        RaftReplicas.Node down = leader;
        RaftReplicas.Node newLeader = others[0];
        down.close();
        // Silent for longer than the smallest election timeout (1 s in RaftReplicas).
        Thread.sleep(2_500);
        assertThatThrownBy(
                        () ->
                                newLeader
                                        .replicator
                                        .transferLeadership(0, down.id)
                                        .get(1, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasMessageContaining("answered its leader within");
        assertThat(newLeader.replicator.isLeader(0)).isTrue();
        Outcome written =
                newLeader
                        .replicator
                        .submit(
                                0,
                                new Command.Put(
                                        RaftReplicas.keyInGroup0(1),
                                        "v".getBytes(StandardCharsets.UTF_8),
                                        0,
                                        Precondition.NONE))
                        .get(30, TimeUnit.SECONDS);
        assertThat(written).isInstanceOf(Outcome.Written.class);

        // Without a name, it goes to the member that answers.
        awaitTransfer(newLeader, null);
        RaftReplicas.await("the last member to lead", () -> others[1].replicator.isLeader(0));
    }

    @Test
    void onlyFollowersThatAnswerAndAreNearlyCaughtUpMayLead() {
        long committed = 1_000;
        long lagLimit = LeadershipTransfer.MAX_TRANSFER_LAG;
        List<FollowerState> followers =
                List.of(
                        new FollowerState("behind", 10, committed - lagLimit - 1),
                        new FollowerState("silent", 1_001, committed),
                        new FollowerState("close", 1_000, committed - lagLimit),
                        new FollowerState("current", 5, committed));

        assertThat(LeadershipTransfer.transferTargets(followers, committed, 1_000))
                .containsExactly("current", "close");
        assertThat(LeadershipTransfer.transferTargets(List.of(), committed, 1_000)).isEmpty();
    }

    /**
     * While a leader hands leadership over, Ratis refuses new entries before its log takes them.
     * Those writes are sent again to whoever leads next, instead of failing as if their outcome
     * were unknown.
     */
    @Test
    void writesRefusedDuringATransferAreSentAgain() throws Exception {
        startLeaderAndFollower();
        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Integer> acknowledged = new ConcurrentLinkedQueue<>();
        AtomicInteger next = new AtomicInteger();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            RaftReplicas.Node through = w % 2 == 0 ? leader : follower;
            writers.add(
                    Thread.ofPlatform()
                            .start(
                                    () -> {
                                        while (running.get()) {
                                            int i = next.getAndIncrement();
                                            try {
                                                through.replicator
                                                        .submit(0, put(i))
                                                        .get(30, TimeUnit.SECONDS);
                                                acknowledged.add(i);
                                            } catch (Exception e) {
                                                failures.add(e);
                                            }
                                        }
                                    }));
        }

        RaftReplicas.Node from = leader;
        RaftReplicas.Node to = follower;
        for (int t = 0; t < 3 || (t < 10 && resent() == 0); t++) {
            awaitTransfer(from, to.id);
            RaftReplicas.Node newLeader = to;
            RaftReplicas.await(
                    "the new leader to take over", () -> newLeader.replicator.isLeader(0));
            to = from;
            from = newLeader;
            Thread.sleep(500);
        }
        running.set(false);
        for (Thread writer : writers) {
            writer.join(60_000);
        }

        assertThat(resent()).as("entries refused during a transfer and sent again").isPositive();
        assertThat(failures)
                .as("writes failed because the leader was handing over")
                .noneMatch(
                        e ->
                                String.valueOf(e.getMessage()).contains("stepping down")
                                        || NeverApplied.in(e));
        assertThat(acknowledged.size()).isGreaterThan(50);
        from.replicator.readBarrier(0, true).get(30, TimeUnit.SECONDS);
        for (int i : acknowledged) {
            assertThat(from.store.get(RaftReplicas.keyInGroup0(i)))
                    .as("acknowledged write %d", i)
                    .isPresent();
        }
    }

    private long resent() {
        return replicas.nodes.stream().mapToLong(n -> n.resentRefused.get()).sum();
    }

    private static Command put(int i) {
        return new Command.Put(
                RaftReplicas.keyInGroup0(i),
                ("v" + i).getBytes(StandardCharsets.UTF_8),
                0,
                Precondition.NONE);
    }
}
