package dev.whispem.minikv.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.TransferLeadershipRequest;
import org.junit.jupiter.api.Test;

/**
 * A write whose entry was in its leader's log, uncommitted, when that leader's term ended gets its
 * real outcome once the next leader has decided it (decision 0123), instead of failing with an
 * unknown outcome.
 */
class SteppedDownEntriesTest extends ThreeReplicaTest {

    @Test
    void aWritePendingWhenItsLeaderStepsDownSucceedsOnceTheLogDecides() throws Exception {
        startLeaderAndFollower();
        List<RaftReplicas.Node> others = replicas.nodes.stream().filter(n -> n != leader).toList();

        // Without its followers the leader appends the entry but cannot commit it.
        others.forEach(RaftReplicas.Node::close);
        CompletableFuture<Outcome> write = leader.replicator.submit(0, put(1));
        Thread.sleep(500);
        assertThat(write).isNotDone();

        // Its term ends with the entry pending: Ratis answers "not leader" to the write.
        RaftClientReply stepDown =
                leader.replicator
                        .server()
                        .transferLeadershipAsync(
                                new TransferLeadershipRequest(
                                        ClientId.randomId(),
                                        RaftPeerId.valueOf(leader.id),
                                        RatisReplicator.groupId(0),
                                        1,
                                        null,
                                        5_000))
                        .get(10, TimeUnit.SECONDS);
        assertThat(stepDown.isSuccess()).as("step down: %s", stepDown).isTrue();
        RaftReplicas.await("the leader to step down", () -> !leader.replicator.isLeader(0));
        assertThat(write).isNotDone();

        // The followers come back and elect a leader: the old leader itself, whose log has the
        // entry (it commits), or one of them, whose log does not (it is dropped and sent again).
        for (RaftReplicas.Node n : others) {
            n.start().get(60, TimeUnit.SECONDS);
        }
        Outcome outcome = write.get(30, TimeUnit.SECONDS);

        assertThat(outcome).isInstanceOf(Outcome.Written.class);
        // Settled once, as committed or dropped: never unknown.
        assertThat(leader.settledAfterStepDown)
                .as("what the log made of the entry")
                .hasSize(1)
                .doesNotContainKey(EntryFate.UNKNOWN)
                .allSatisfy((fate, n) -> assertThat(n.get()).isEqualTo(1));
        RaftReplicas.Node newLeader = replicas.leaderOf(0);
        newLeader.replicator.readBarrier(0, true).get(30, TimeUnit.SECONDS);
        assertThat(newLeader.store.get(RaftReplicas.keyInGroup0(1))).isPresent();
    }

    private static Command put(int i) {
        return new Command.Put(
                RaftReplicas.keyInGroup0(i),
                ("v" + i).getBytes(StandardCharsets.UTF_8),
                0,
                Precondition.NONE);
    }
}
