package dev.whispem.minikv.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.protocol.RaftPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** Tests on three in-process Ratis replicas: a fresh directory each, closed after each test. */
abstract class ThreeReplicaTest {

    @TempDir Path dir;

    RaftReplicas replicas;

    @AfterEach
    void closeReplicas() {
        if (replicas != null) {
            replicas.close();
        }
    }

    /** Group 0's leader and a follower that knows it, once {@link #startLeaderAndFollower} ran. */
    RaftReplicas.Node leader;

    RaftReplicas.Node follower;

    /**
     * Starts three replicas that forward to the leader, and names group 0's leader and a follower
     * that knows it.
     */
    void startLeaderAndFollower() throws Exception {
        replicas = new RaftReplicas(dir, 0, 1024, true);
        replicas.startAll();
        RaftReplicas.Node[] pair = replicas.leaderAndFollower(0);
        leader = pair[0];
        follower = pair[1];
    }

    /**
     * Starts three replicas and a fourth node that hosts nothing but knows where group 0's members
     * are, as a coordinator knows it from the shard map; answers that outsider. A follower comes
     * first in what it knows, so its first guess at the leader is likely wrong, as after a leader
     * change.
     */
    RaftReplicas.Node startWithOutsider(boolean forwardReads) throws Exception {
        replicas = new RaftReplicas(dir, 0, 1024, true);
        replicas.forwardReads = forwardReads;
        RaftReplicas.Node outsider = replicas.addOutsider();
        replicas.startAll();
        RaftReplicas.Node groupLeader = replicas.leaderOf(0);
        List<RaftPeer> members = new ArrayList<>();
        for (RaftReplicas.Node n : replicas.nodes) {
            if (n != outsider) {
                RaftPeer peer =
                        RaftPeer.newBuilder()
                                .setId(n.id)
                                .setAddress("127.0.0.1:" + n.raftPort)
                                .build();
                members.add(n == groupLeader ? members.size() : 0, peer);
            }
        }
        outsider.replicator.setPeers(0, members);
        assertThat(outsider.replicator.hosts(0)).isFalse();
        return outsider;
    }

    /**
     * Asks {@code from} to hand group 0 to {@code to} until it does: a leader just elected has not
     * heard from its followers yet, and refuses until it has.
     */
    static void awaitTransfer(RaftReplicas.Node from, String to) throws Exception {
        RaftReplicas.await(
                "a transfer from " + from.id + " to " + (to == null ? "any member" : to),
                () -> {
                    try {
                        return from.replicator.transferLeadership(0, to).get(30, TimeUnit.SECONDS);
                    } catch (ExecutionException e) {
                        if (e.getCause().getMessage().contains("answered its leader within")) {
                            return false;
                        }
                        throw new AssertionError(e);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
    }
}
