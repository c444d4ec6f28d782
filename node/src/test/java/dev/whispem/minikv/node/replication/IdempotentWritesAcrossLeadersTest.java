package dev.whispem.minikv.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whispem.minikv.node.storage.DataKey;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An idempotency key's outcome is replicated state: after leadership moves, the new leader answers
 * a retry with the first outcome instead of applying it again (decision 0125).
 */
class IdempotentWritesAcrossLeadersTest extends ThreeReplicaTest {

    @Test
    void aRetryAfterALeaderChangeIsAnsweredNotApplied() throws Exception {
        startLeaderAndFollower();
        DataKey key = RaftReplicas.keyInGroup0(1);
        Command once =
                new Command.Idempotent(
                        IdempotencyRecords.key(key.shard(), key.tenant(), "req-1"),
                        new byte[] {1, 2, 3},
                        System.currentTimeMillis() + 600_000,
                        new Command.Put(key, bytes("first"), 0, Precondition.NONE));

        // Through the follower, which forwards it to the leader.
        Outcome first = follower.replicator.submit(0, once).get(30, TimeUnit.SECONDS);
        assertThat(first).isInstanceOf(Outcome.Written.class);
        leader.replicator
                .submit(0, new Command.Put(key, bytes("second"), 0, Precondition.NONE))
                .get(30, TimeUnit.SECONDS);

        awaitTransfer(leader, follower.id);
        RaftReplicas.Node newLeader = replicas.leaderOf(0);
        assertThat(newLeader).isNotSameAs(leader);

        Outcome retry = leader.replicator.submit(0, once).get(30, TimeUnit.SECONDS);

        assertThat(retry).isEqualTo(new Outcome.Replayed(first));
        for (RaftReplicas.Node n : replicas.nodes) {
            RaftReplicas.await(
                    n.id + " holding the second write only",
                    () ->
                            n.store.get(key).isPresent()
                                    && new String(
                                                    n.store.get(key).get().value(),
                                                    StandardCharsets.UTF_8)
                                            .equals("second")
                                    && n.replicator.stateMachine(0).revision()
                                            == newLeader.replicator.stateMachine(0).revision());
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
