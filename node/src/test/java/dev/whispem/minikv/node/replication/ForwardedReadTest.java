package dev.whispem.minikv.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Reads on a node that does not host the group (a coordinator, or a volume server the group is not
 * placed on): sent to the leader in batches (minikv.raft.forward-reads), or one by one as Ratis
 * read-only requests.
 */
class ForwardedReadTest extends ThreeReplicaTest {

    /** minikv.raft.forward-reads of the nodes a test starts. */
    private boolean forwardReads = true;

    private static Command put(int i) {
        return new Command.Put(
                RaftReplicas.keyInGroup0(i),
                ("v" + i).getBytes(StandardCharsets.UTF_8),
                0,
                Precondition.NONE);
    }

    private static CompletableFuture<ReadQuery.Value> read(RaftReplicas.Node node, int i) {
        return node.replicator
                .query(0, ReadQuery.encode(new ReadQuery.Get(RaftReplicas.keyInGroup0(i))))
                .thenApply(ReadQuery::decodeValue);
    }

    private static String valueOf(ReadQuery.Value v) {
        return new String(v.value().orElseThrow().value(), StandardCharsets.UTF_8);
    }

    /**
     * Writes through the leader one at a time; right after each is acknowledged, a read through the
     * outsider must see it. Then reads every key at once. Answers the outsider.
     */
    private RaftReplicas.Node readsThroughAnOutsiderSeeEveryAcknowledgedWrite(int writes)
            throws Exception {
        RaftReplicas.Node outsider = startWithOutsider(forwardReads);
        RaftReplicas.Node leader = replicas.leaderOf(0);
        for (int i = 0; i < writes; i++) {
            Outcome.Written written =
                    (Outcome.Written) leader.replicator.submit(0, put(i)).get(30, TimeUnit.SECONDS);
            ReadQuery.Value v = read(outsider, i).get(30, TimeUnit.SECONDS);
            assertThat(valueOf(v)).as("read after write %d", i).isEqualTo("v" + i);
            assertThat(v.revision()).isGreaterThanOrEqualTo(written.revision());
        }
        List<CompletableFuture<ReadQuery.Value>> all = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < writes; i++) {
                all.add(read(outsider, i));
            }
        }
        for (int j = 0; j < all.size(); j++) {
            assertThat(valueOf(all.get(j).get(30, TimeUnit.SECONDS))).isEqualTo("v" + j % writes);
        }
        assertThat(read(outsider, writes + 1).get(30, TimeUnit.SECONDS).value())
                .as("a key never written")
                .isEmpty();
        var scan =
                new ReadQuery.Scan(
                        RaftReplicas.GROUPS,
                        System.currentTimeMillis(),
                        1000,
                        "t",
                        new byte[0],
                        null);
        byte[] listed =
                outsider.replicator.query(0, ReadQuery.encode(scan)).get(30, TimeUnit.SECONDS);
        assertThat(ReadQuery.decodeEntries(listed, "t").entries())
                .as("a scan of the group's shards")
                .hasSize(writes);
        return outsider;
    }

    @Test
    void anOutsidersReadsGoToTheLeaderInBatches() throws Exception {
        RaftReplicas.Node outsider = readsThroughAnOutsiderSeeEveryAcknowledgedWrite(60);

        long batches = outsider.forwardedReadBatches.get();
        assertThat(outsider.forwardedReads.get())
                .as("reads the leader answered in batches")
                .isPositive()
                .isGreaterThan(batches);
    }

    /**
     * After a leader change the outsider's batches reach the old leader, which names the new one;
     * the outsider's Ratis client would keep its old guess, since a follower serves its reads.
     */
    @Test
    void anOutsiderFollowsTheLeaderNamedByAFollower() throws Exception {
        RaftReplicas.Node outsider = readsThroughAnOutsiderSeeEveryAcknowledgedWrite(10);
        RaftReplicas.Node[] pair = replicas.leaderAndFollower(0);
        assertThat(outsider.replicator.leaderName(0)).isEqualTo(pair[0].id);

        assertThat(pair[0].replicator.transferLeadership(0, pair[1].id).get(30, TimeUnit.SECONDS))
                .isTrue();
        RaftReplicas.await(
                "the new leader, known to the old one",
                () ->
                        pair[1].replicator.isLeader(0)
                                && pair[1].id.equals(
                                        pair[0].replicator.groupStatus().get(0).leader()));
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 10; i++) {
                assertThat(valueOf(read(outsider, i).get(30, TimeUnit.SECONDS))).isEqualTo("v" + i);
            }
        }

        assertThat(outsider.replicator.leaderName(0)).isEqualTo(pair[1].id);
    }

    @Test
    void withTheSettingOffAnOutsiderReadsOneByOne() throws Exception {
        forwardReads = false;

        RaftReplicas.Node outsider = readsThroughAnOutsiderSeeEveryAcknowledgedWrite(20);

        assertThat(outsider.forwardedReads.get()).isZero();
    }
}
