package dev.whispem.minikv.node.expiry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whispem.minikv.node.replication.Command;
import dev.whispem.minikv.node.replication.GroupStateMachine;
import dev.whispem.minikv.node.replication.LocalReplicator;
import dev.whispem.minikv.node.replication.Outcome;
import dev.whispem.minikv.node.replication.Precondition;
import dev.whispem.minikv.node.replication.Replicator;
import dev.whispem.minikv.node.routing.ShardLayout;
import dev.whispem.minikv.node.storage.DataKey;
import dev.whispem.minikv.node.storage.InMemoryKvStore;
import dev.whispem.minikv.node.storage.KvStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ExpirySweeperTest {

    private static final int GROUPS = 4;
    private static final ShardLayout LAYOUT = new ShardLayout(GROUPS);

    private final InMemoryKvStore store = new InMemoryKvStore();
    private final LocalReplicator local =
            new LocalReplicator(store, GROUPS, false, (commands, nanos) -> {});
    private final Counts counts = new Counts();

    @AfterEach
    void close() {
        local.close();
    }

    /** What the sweep reported. */
    static final class Counts implements ExpirySweeper.Observer {
        final AtomicInteger scanned = new AtomicInteger();
        final AtomicInteger removed = new AtomicInteger();
        final Set<Integer> passes = new HashSet<>();

        @Override
        public void scanned(int keys) {
            scanned.addAndGet(keys);
        }

        @Override
        public void removed(int keys) {
            removed.addAndGet(keys);
        }

        @Override
        public void passCompleted(int group) {
            passes.add(group);
        }
    }

    private static DataKey key(int shard, String tenant, String k) {
        return new DataKey(shard, tenant, k.getBytes(StandardCharsets.UTF_8));
    }

    private void put(DataKey key, long expiresAt) throws Exception {
        Outcome o =
                local.submit(
                                LAYOUT.groupOf(key.shard()),
                                new Command.Put(key, new byte[] {7}, expiresAt, Precondition.NONE))
                        .get();
        assertThat(o).isInstanceOf(Outcome.Written.class);
    }

    private Set<DataKey> stored() {
        Set<DataKey> out = new HashSet<>();
        try (KvStore.View view = store.view()) {
            for (int shard = 0; shard < 256; shard++) {
                view.shard(shard).forEachRemaining(e -> out.add(DataKey.decode(e.key())));
            }
        }
        return out;
    }

    private long[] revisions() {
        long[] out = new long[GROUPS];
        for (int g = 0; g < GROUPS; g++) {
            out[g] = local.stateMachine(g).revision();
        }
        return out;
    }

    @Test
    void aFullPassRemovesExpiredKeysOfEveryTenantAndShardAndKeepsTheRest() throws Exception {
        long now = System.currentTimeMillis();
        List<DataKey> expired = new ArrayList<>();
        Set<DataKey> live = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            DataKey k = key(i % 256, i % 2 == 0 ? "a" : "b", "k" + i);
            switch (i % 3) {
                case 0 -> {
                    put(k, now - 1_000);
                    expired.add(k);
                }
                case 1 -> {
                    put(k, now + 3_600_000);
                    live.add(k);
                }
                default -> {
                    put(k, 0);
                    live.add(k);
                }
            }
        }
        long[] before = revisions();
        ExpirySweeper sweeper = new ExpirySweeper(local, LAYOUT, store, () -> now, 1_000, counts);

        assertThat(sweeper.round()).isEqualTo(expired.size());

        assertThat(stored()).isEqualTo(live);
        assertThat(counts.scanned.get()).isEqualTo(300);
        assertThat(counts.removed.get()).isEqualTo(expired.size());
        assertThat(counts.passes).containsExactlyInAnyOrder(0, 1, 2, 3);
        assertThat(revisions()).as("removing expired keys takes no revision").isEqualTo(before);
    }

    @Test
    void aSmallBudgetResumesWhereTheLastRoundStopped() throws Exception {
        long now = System.currentTimeMillis();
        // 40 expired keys in group 0's first shards, several per shard.
        for (int i = 0; i < 40; i++) {
            put(key((i % 8) * GROUPS, "t", "k" + i), now - 1);
        }
        ExpirySweeper sweeper = new ExpirySweeper(local, LAYOUT, store, () -> now, 4 * 3, counts);

        int rounds = 0;
        while (!counts.passes.contains(0)) {
            sweeper.round();
            rounds++;
            assertThat(rounds).as("rounds until group 0 is covered").isLessThan(100);
        }
        // Three keys per group per round: 40 keys need 14 rounds; a cursor that restarted would
        // never finish.
        assertThat(rounds).isEqualTo(14);
        assertThat(counts.scanned.get()).isEqualTo(40);
        assertThat(stored()).isEmpty();
    }

    @Test
    void aGroupWithoutKeysThatExpireRestsUntilOneIsWritten() throws Exception {
        long now = System.currentTimeMillis();
        for (int i = 0; i < 50; i++) {
            put(key(0, "t", "k" + i), 0);
        }
        ExpirySweeper sweeper = new ExpirySweeper(local, LAYOUT, store, () -> now, 1_000, counts);
        sweeper.round();
        assertThat(counts.scanned.get()).isEqualTo(50);

        sweeper.round();
        assertThat(counts.scanned.get()).as("nothing can expire: no walk").isEqualTo(50);

        put(key(0, "t", "session"), now - 1);
        assertThat(sweeper.round()).isEqualTo(1);
        assertThat(counts.scanned.get()).isEqualTo(50 + 51);
        assertThat(store.get(key(0, "t", "session"))).isEmpty();

        // The pass that removed it saw a key with an expiry: the next pass walks again.
        sweeper.round();
        assertThat(counts.scanned.get()).isEqualTo(50 + 51 + 50);
        sweeper.round();
        assertThat(counts.scanned.get()).isEqualTo(50 + 51 + 50);
    }

    @Test
    void aKeyWrittenAgainAfterTheWalkSawItStays() throws Exception {
        long now = System.currentTimeMillis();
        DataKey k = key(0, "t", "session");
        put(k, now - 1);
        Replicator rewriting =
                new ForwardingReplicator(local) {
                    @Override
                    public CompletableFuture<Outcome> submit(int group, Command command) {
                        // Between the walk and the delete, a client writes the key again.
                        local.submit(
                                        group,
                                        new Command.Put(k, new byte[] {9}, 0, Precondition.NONE))
                                .join();
                        return local.submit(group, command);
                    }
                };
        ExpirySweeper sweeper = new ExpirySweeper(rewriting, LAYOUT, store, () -> now, 100, counts);

        assertThat(sweeper.round()).isZero();

        assertThat(store.get(k).orElseThrow().value()).containsExactly(9);
        assertThat(counts.removed.get()).isZero();
    }

    @Test
    void aNodeThatLeadsNoGroupDeletesNothing() throws Exception {
        long now = System.currentTimeMillis();
        put(key(0, "t", "old"), now - 1);
        Replicator following =
                new ForwardingReplicator(local) {
                    @Override
                    public List<GroupStatus> groupStatus() {
                        List<GroupStatus> out = new ArrayList<>();
                        for (GroupStatus s : local.groupStatus()) {
                            out.add(new GroupStatus(s.group(), "n2", "FOLLOWER", 1, 0, 0));
                        }
                        return out;
                    }
                };
        ExpirySweeper sweeper = new ExpirySweeper(following, LAYOUT, store, () -> now, 100, counts);

        assertThat(sweeper.round()).isZero();

        assertThat(store.get(key(0, "t", "old"))).isPresent();
        assertThat(counts.scanned.get()).isZero();
    }

    @Test
    void aBadBudgetIsRefusedWithTheSettingsName() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new ExpirySweeper(local, LAYOUT, store, () -> 0, 0, counts))
                .hasMessageContaining("minikv.expiry.keys-per-round");
    }

    /** Passes everything to another replicator; tests override what they change. */
    private static class ForwardingReplicator implements Replicator {
        private final Replicator inner;

        ForwardingReplicator(Replicator inner) {
            this.inner = inner;
        }

        @Override
        public CompletableFuture<Outcome> submit(int group, Command command) {
            return inner.submit(group, command);
        }

        @Override
        public CompletableFuture<Long> readBarrier(int group, boolean linearizable) {
            return inner.readBarrier(group, linearizable);
        }

        @Override
        public GroupStateMachine stateMachine(int group) {
            return inner.stateMachine(group);
        }

        @Override
        public CompletableFuture<byte[]> query(int group, byte[] query) {
            return inner.query(group, query);
        }

        @Override
        public boolean isReady() {
            return inner.isReady();
        }

        @Override
        public List<GroupStatus> groupStatus() {
            return inner.groupStatus();
        }

        @Override
        public List<String> members() {
            return inner.members();
        }

        @Override
        public CompletableFuture<Boolean> transferLeadership(int group, String newLeader) {
            return inner.transferLeadership(group, newLeader);
        }

        @Override
        public void close() {}
    }
}
