package dev.whispem.minikv.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A node whose group count disagrees with the cluster's refuses the requests it would route (the
 * shard map's routing sets this), and changes nothing; forwarded commands still reach its replicas.
 */
class RefusedRequestsTest extends ThreeReplicaTest {

    private static final String REASON = "the cluster packs its shards into 8 groups but ...";

    @Test
    void aRefusingNodeAnswersEveryRequestWithTheReasonAndWritesNothing() throws Exception {
        startLeaderAndFollower();
        Command put =
                new Command.Put(
                        RaftReplicas.keyInGroup0(1),
                        "v".getBytes(StandardCharsets.UTF_8),
                        0,
                        Precondition.NONE);
        long revision = leader.replicator.stateMachine(0).revision();

        follower.replicator.refuseRequests(REASON);
        assertThatThrownBy(() -> follower.replicator.submit(0, put).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasMessageContaining("refuses requests")
                .hasMessageContaining(REASON);
        assertThatThrownBy(() -> follower.replicator.readBarrier(0, true).get(10, TimeUnit.SECONDS))
                .hasMessageContaining(REASON);
        assertThatThrownBy(
                        () ->
                                follower.replicator
                                        .query(
                                                0,
                                                ReadQuery.encode(
                                                        new ReadQuery.Get(
                                                                RaftReplicas.keyInGroup0(1))))
                                        .get(10, TimeUnit.SECONDS))
                .hasMessageContaining(REASON);
        assertThat(leader.replicator.stateMachine(0).revision()).isEqualTo(revision);

        // The other members go on, and the refusing node takes requests again once it agrees.
        leader.replicator.submit(0, put).get(30, TimeUnit.SECONDS);
        follower.replicator.refuseRequests(null);
        follower.replicator.submit(0, put).get(30, TimeUnit.SECONDS);
        assertThat(leader.replicator.stateMachine(0).revision()).isEqualTo(revision + 2);
    }
}
