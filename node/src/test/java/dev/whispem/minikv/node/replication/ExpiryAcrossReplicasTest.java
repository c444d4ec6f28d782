package dev.whispem.minikv.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whispem.minikv.node.expiry.ExpirySweeper;
import dev.whispem.minikv.node.routing.ShardLayout;
import dev.whispem.minikv.node.storage.DataKey;
import dev.whispem.minikv.node.storage.KvStore;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The leader's expiry sweep removes expired keys from every replica through the log. */
class ExpiryAcrossReplicasTest extends ThreeReplicaTest {

    @Test
    void expiredKeysLeaveEveryReplicaAndLiveOnesStay() throws Exception {
        startLeaderAndFollower();
        long now = System.currentTimeMillis();
        Set<DataKey> live = new HashSet<>();
        for (int i = 0; i < 120; i++) {
            DataKey key = RaftReplicas.keyInGroup0(i);
            long expiresAt = i % 2 == 0 ? now - 1_000 : 0;
            if (expiresAt == 0) {
                live.add(key);
            }
            // Through the follower for half of them: forwarded writes land in the same log.
            RaftReplicas.Node via = i % 4 < 2 ? leader : follower;
            Outcome o =
                    via.replicator
                            .submit(
                                    0,
                                    new Command.Put(
                                            key, new byte[] {1}, expiresAt, Precondition.NONE))
                            .get(30, TimeUnit.SECONDS);
            assertThat(o).isInstanceOf(Outcome.Written.class);
        }
        long revision = leader.replicator.stateMachine(0).revision();
        AtomicBoolean passed = new AtomicBoolean();
        ExpirySweeper sweeper =
                new ExpirySweeper(
                        leader.replicator,
                        new ShardLayout(RaftReplicas.GROUPS),
                        leader.store,
                        () -> now,
                        1_000,
                        new ExpirySweeper.Observer() {
                            @Override
                            public void passCompleted(int group) {
                                if (group == 0) {
                                    passed.set(true);
                                }
                            }
                        });

        assertThat(sweeper.round()).isEqualTo(60);
        assertThat(passed).isTrue();

        for (RaftReplicas.Node n : replicas.nodes) {
            RaftReplicas.await(
                    n.id + " holding only the live keys of group 0",
                    () -> group0Keys(n.store).equals(live));
            assertThat(n.replicator.stateMachine(0).revision())
                    .as("removing expired keys takes no revision on " + n.id)
                    .isEqualTo(revision);
        }
    }

    private static Set<DataKey> group0Keys(KvStore store) {
        Set<DataKey> out = new HashSet<>();
        try (KvStore.View view = store.view()) {
            for (int shard = 0; shard < 256; shard += RaftReplicas.GROUPS) {
                view.shard(shard).forEachRemaining(e -> out.add(DataKey.decode(e.key())));
            }
        }
        return out;
    }
}
