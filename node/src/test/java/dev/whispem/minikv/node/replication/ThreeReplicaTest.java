package dev.whispem.minikv.node.replication;

import java.nio.file.Path;
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
}
