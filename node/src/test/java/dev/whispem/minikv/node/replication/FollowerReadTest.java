package dev.whispem.minikv.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Linearizable reads on a follower: it asks the leader for a read index and reads once it has
 * applied it (minikv.raft.read-index-from-leader), or runs Ratis' own ReadIndex round.
 */
class FollowerReadTest extends ThreeReplicaTest {

    /**
     * Writes through the leader one at a time; right after each is acknowledged, a linearizable
     * read barrier on the follower must cover it. Returns the follower.
     */
    private RaftReplicas.Node eachAcknowledgedWriteIsSeenByTheFollower(int writes)
            throws Exception {
        replicas.startAll();
        RaftReplicas.Node[] pair = replicas.leaderAndFollower(0);
        RaftReplicas.Node leader = pair[0];
        RaftReplicas.Node follower = pair[1];
        for (int i = 0; i < writes; i++) {
            Command put =
                    new Command.Put(
                            RaftReplicas.keyInGroup0(i),
                            ("v" + i).getBytes(StandardCharsets.UTF_8),
                            0,
                            Precondition.NONE);
            Outcome.Written written =
                    (Outcome.Written) leader.replicator.submit(0, put).get(30, TimeUnit.SECONDS);
            long seen = follower.replicator.readBarrier(0, true).get(30, TimeUnit.SECONDS);
            assertThat(seen)
                    .as("the follower's revision after a linearizable barrier, write %d", i)
                    .isGreaterThanOrEqualTo(written.revision());
            assertThat(follower.store.get(RaftReplicas.keyInGroup0(i))).isPresent();
        }
        return follower;
    }

    @Test
    void aFollowerReadsAtTheLeadersReadIndex() throws Exception {
        replicas = new RaftReplicas(dir, 0, 1024, true);

        RaftReplicas.Node follower = eachAcknowledgedWriteIsSeenByTheFollower(100);

        assertThat(follower.readRoundsFromLeader.get())
                .as("rounds whose read index the leader answered")
                .isPositive();
    }

    @Test
    void withTheSettingOffAFollowerRunsRatisRounds() throws Exception {
        replicas = new RaftReplicas(dir, 0, 1024, true);
        replicas.readIndexFromLeader = false;

        RaftReplicas.Node follower = eachAcknowledgedWriteIsSeenByTheFollower(30);

        assertThat(follower.readRoundsFromLeader.get()).isZero();
        assertThat(follower.ratisReadRounds.get()).isGreaterThanOrEqualTo(30);
    }

    @Test
    void aFollowerWhoseLeaderLeftFallsBackAndStillReads() throws Exception {
        replicas = new RaftReplicas(dir, 0, 1024, true);
        RaftReplicas.Node follower = eachAcknowledgedWriteIsSeenByTheFollower(5);
        RaftReplicas.Node leader = replicas.leaderOf(0);
        long revision = follower.replicator.stateMachine(0).revision();

        leader.close();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Long seen = null;
        while (seen == null && System.nanoTime() < deadline) {
            try {
                seen = follower.replicator.readBarrier(0, true).get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                Thread.sleep(200); // no leader yet
            }
        }
        assertThat(seen).isNotNull().isGreaterThanOrEqualTo(revision);
    }
}
