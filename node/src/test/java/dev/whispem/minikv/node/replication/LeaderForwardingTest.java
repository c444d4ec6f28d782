package dev.whispem.minikv.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whispem.minikv.node.storage.DataKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

/**
 * A member that does not lead a group hands its commands to the leader, whose proposer makes them
 * part of its own entries (minikv.raft.forward-to-leader).
 */
class LeaderForwardingTest extends ThreeReplicaTest {

    private static DataKey key(int i) {
        return RaftReplicas.keyInGroup0(i);
    }

    private static Command put(int i, Precondition pre) {
        return new Command.Put(key(i), ("v" + i).getBytes(StandardCharsets.UTF_8), 0, pre);
    }

    /** Submits writes of keys 0..n-1 to group 0 through {@code node}, all at once. */
    private static List<Outcome> writeConcurrently(RaftReplicas.Node node, int n) throws Exception {
        List<CompletableFuture<Outcome>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            futures.add(node.replicator.submit(0, put(i, Precondition.NONE)));
        }
        List<Outcome> out = new ArrayList<>();
        for (CompletableFuture<Outcome> f : futures) {
            out.add(f.get(30, TimeUnit.SECONDS));
        }
        return out;
    }

    @Test
    void aFollowersWritesBecomeTheLeadersEntries() throws Exception {
        startLeaderAndFollower();
        assertThat(leader.replicator.entersDivisionDirectly(0))
                .as("proposals skip the Ratis server's client executor (decision 0117)")
                .isTrue();
        long leaderCommandsBefore = leader.commands.get();

        List<Outcome> outcomes = writeConcurrently(follower, 300);

        assertThat(outcomes).allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Written.class));
        assertThat(follower.entries.get()).as("entries the follower proposed itself").isZero();
        assertThat(leader.commands.get() - leaderCommandsBefore).isEqualTo(300);
        assertThat(leader.entries.get())
                .as("the leader coalesced the forwarded commands")
                .isLessThan(300);
        for (RaftReplicas.Node n : replicas.nodes) {
            // The revision moves while an entry is applied, just before its batch reaches the
            // store: wait for the store too.
            RaftReplicas.await(
                    n.id + " applied every write",
                    () ->
                            n.replicator.stateMachine(0).revision() == 300
                                    && n.store.get(key(299)).isPresent());
            assertThat(n.store.get(key(299)).orElseThrow().value())
                    .isEqualTo("v299".getBytes(StandardCharsets.UTF_8));
        }

        // Preconditions are checked by the leader when it applies, and answered to the follower.
        Outcome createAgain = follower.replicator.submit(0, put(7, Precondition.ABSENT)).get();
        assertThat(createAgain).isInstanceOf(Outcome.PreconditionFailed.class);
    }

    @Test
    void withForwardingOffAFollowerProposesEntriesOfItsOwn() throws Exception {
        replicas = new RaftReplicas(dir, 0, 1024, false);
        replicas.startAll();
        RaftReplicas.Node follower = replicas.leaderAndFollower(0)[1];

        List<Outcome> outcomes = writeConcurrently(follower, 50);

        assertThat(outcomes).allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Written.class));
        assertThat(follower.entries.get()).isPositive();
    }

    @Test
    void onlyTheLeaderAcceptsForwardedCommandsAndMalformedOnesChangeNothing() throws Exception {
        startLeaderAndFollower();
        byte[] request =
                ForwardedProposals.request(
                        CommandCodec.encodeAll(
                                List.of(new Command.Proposal(1, put(1, Precondition.NONE)))));

        RaftClientReply toFollower = send(request, follower);
        assertThat(toFollower.isSuccess()).isTrue();
        assertThat(ForwardedProposals.decode(bytes(toFollower))).isEmpty();
        assertThat(leader.replicator.stateMachine(0).revision()).isZero();

        assertThat(refused(new byte[] {'P', (byte) 0xC0, 0, 0, 0, 5}, leader))
                .as("a malformed request is refused")
                .isTrue();
        assertThat(leader.replicator.stateMachine(0).revision()).isZero();

        RaftClientReply toLeader = send(request, leader);
        assertThat(ForwardedProposals.decode(bytes(toLeader)).orElseThrow())
                .singleElement()
                .isInstanceOf(Outcome.Written.class);
        assertThat(leader.replicator.stateMachine(0).revision()).isEqualTo(1);
    }

    @Test
    void onlyTheLeaderAnswersAReadIndexAndItCoversEveryAcknowledgedWrite() throws Exception {
        startLeaderAndFollower();
        writeConcurrently(leader, 20);
        long appliedAfterWrites = leader.replicator.groupStatus().get(0).applied();

        assertThat(LeaderReadIndex.decode(bytes(send(LeaderReadIndex.request(), follower))))
                .as("a follower does not answer")
                .isEmpty();
        assertThat(
                        LeaderReadIndex.decode(bytes(send(LeaderReadIndex.request(), leader)))
                                .getAsLong())
                .isGreaterThanOrEqualTo(appliedAfterWrites);
    }

    @Test
    void onlyTheLeaderAnswersForwardedReadsAndMalformedOnesAreRefused() throws Exception {
        startLeaderAndFollower();
        writeConcurrently(leader, 3);
        byte[] request =
                ForwardedReads.request(
                        List.of(
                                ReadQuery.encode(new ReadQuery.Get(key(2))),
                                new byte[] {'X'},
                                ReadQuery.encode(new ReadQuery.Get(key(7)))));

        byte[] fromFollower = bytes(send(request, follower));
        assertThat(ForwardedReads.decode(fromFollower, 3))
                .as("a follower does not answer")
                .isEmpty();
        assertThat(ForwardedReads.leaderHint(fromFollower))
                .as("it names the leader")
                .contains(leader.id);
        assertThat(refused(new byte[] {'Q', 0, 0, 0, 9}, leader))
                .as("a malformed batch is refused")
                .isTrue();

        List<ForwardedReads.Answer> answers =
                ForwardedReads.decode(bytes(send(request, leader)), 3).orElseThrow();
        ReadQuery.Value two = ReadQuery.decodeValue(answers.get(0).value());
        assertThat(two.value().orElseThrow().value())
                .isEqualTo("v2".getBytes(StandardCharsets.UTF_8));
        assertThat(two.revision()).isEqualTo(3);
        assertThat(answers.get(1).error())
                .as("an unknown read fails alone")
                .contains("unknown read query type");
        assertThat(ReadQuery.decodeValue(answers.get(2).value()).value()).isEmpty();
    }

    @Test
    void writesThroughAFollowerResumeAfterTheLeaderLeaves() throws Exception {
        startLeaderAndFollower();
        writeConcurrently(follower, 20);

        leader.close();
        // Forwarded commands in flight when a leader goes have an unknown outcome; later ones go
        // to the new leader.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Outcome written = null;
        while (written == null && System.nanoTime() < deadline) {
            try {
                written =
                        follower.replicator
                                .submit(0, put(100, Precondition.NONE))
                                .get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                Thread.sleep(200);
            }
        }
        assertThat(written).isInstanceOf(Outcome.Written.class);
        assertThat(writeConcurrently(follower, 50))
                .allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Written.class));
    }

    private static byte[] bytes(RaftClientReply reply) {
        return reply.getMessage().getContent().toByteArray();
    }

    /** Sends {@code request} as the replicator does, through a client of its own. */
    private static RaftClientReply send(byte[] request, RaftReplicas.Node to) throws Exception {
        try (RaftClient client = client(to)) {
            return client.async()
                    .sendStaleRead(
                            Message.valueOf(ByteString.copyFrom(request)),
                            -1,
                            RaftPeerId.valueOf(to.id))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    /** Whether the request failed: as a failed reply or as an exception, as Ratis chooses. */
    private static boolean refused(byte[] request, RaftReplicas.Node to) throws Exception {
        try {
            return !send(request, to).isSuccess();
        } catch (java.util.concurrent.ExecutionException e) {
            return true;
        }
    }

    private static RaftClient client(RaftReplicas.Node any) {
        List<RaftPeer> peers = new ArrayList<>();
        for (String spec : any.peers) {
            String[] idAddr = spec.split("=", 2);
            peers.add(RaftPeer.newBuilder().setId(idAddr[0]).setAddress(idAddr[1]).build());
        }
        return RaftClient.newBuilder()
                .setProperties(new RaftProperties())
                .setRaftGroup(RaftGroup.valueOf(RatisReplicator.groupId(0), peers))
                .setRetryPolicy(RetryPolicies.noRetry())
                .build();
    }

    /**
     * A node that does not know a group's members yet (its shard map has not arrived) answers
     * writes to the group with an error at once, and keeps doing so: it once lost its only
     * in-flight slot to that error, and every later write waited forever.
     */
    @Test
    void writesToAGroupWithUnknownMembersFailAndLeaveTheProposerUsable() throws Exception {
        replicas = new RaftReplicas(dir, 0, 64, true);
        RaftReplicas.Node node = replicas.nodes.get(0);
        node.hostAll = false;
        node.start().get(60, TimeUnit.SECONDS);

        for (int i = 0; i < 3; i++) {
            CompletableFuture<Outcome> write = node.replicator.submit(0, put(i, Precondition.NONE));
            assertThat(write)
                    .as("write %d", i)
                    .failsWithin(30, TimeUnit.SECONDS)
                    .withThrowableThat()
                    .havingRootCause()
                    .isInstanceOf(IllegalStateException.class)
                    .withMessageContaining("no known members");
        }
    }
}
