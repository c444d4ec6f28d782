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

    /**
     * Starts three replicas that forward to the leader; answers group 0's leader and a follower
     * that knows it.
     */
    RaftReplicas.Node[] startedLeaderAndFollower() throws Exception {
        replicas = new RaftReplicas(dir, 0, 1024, true);
        replicas.startAll();
        return replicas.leaderAndFollower(0);
    }
}
