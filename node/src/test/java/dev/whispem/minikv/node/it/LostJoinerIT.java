package dev.whispem.minikv.node.it;

import static dev.whispem.minikv.node.it.CoordinatorVolumeClusterIT.volume;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A volume server lost in the middle of a move to it (decision 0114). It advertises a Raft address
 * nobody listens on, so the group leader can never catch it up and the move cannot finish; then it
 * is killed. After the grace period the coordinator must give the move another new member, end the
 * leader's catch-up of the lost one, and finish, with writes going on and none lost.
 */
class LostJoinerIT {

    private static final int GROUPS = 2;

    @TempDir Path tmp;

    @RegisterExtension final NodeFleet nodes = new NodeFleet();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final CoordinatorAdmin admin = new CoordinatorAdmin(http, () -> nodes.get("c1"));
    private String coordinator;

    @Test
    void aMoveWhoseNewMemberIsLostGoesElsewhere() throws Exception {
        int c1 = NodeJvm.freePort();
        coordinator = "127.0.0.1:" + c1;
        add("c1", "coordinator", c1, Map.of());
        for (int i = 1; i <= 4; i++) {
            add("v" + i, "volume", NodeJvm.freePort(), Map.of());
        }
        for (NodeJvm n : nodes.values()) {
            n.start();
        }
        for (NodeJvm n : nodes.values()) {
            n.awaitReady();
        }
        admin.awaitReport(
                r ->
                        r.path("underReplicatedShards").asInt(-1) == 0
                                && r.path("movesInFlight").asInt(-1) == 0
                                && r.path("balanced").asBoolean());

        List<NodeJvm> entry = new ArrayList<>(nodes.values());
        Writers writers =
                new Writers(4, 20, i -> entry.get(Math.floorMod(i, entry.size())).uri("/"));
        long killedAt;
        try {
            CoordinatorVolumeClusterIT.awaitAcks(writers, 100);
            // v5 heartbeats over HTTP, but the Raft address it gives is bound by nobody.
            add(
                    "v5",
                    "volume",
                    NodeJvm.freePort(),
                    Map.of("minikv.raft.host", "127.0.0.2", "minikv.raft.bind-host", "127.0.0.1"));
            nodes.get("v5").start();
            admin.awaitReport(
                    r ->
                            volume(r, "v5").path("shards").asInt() > 0
                                    && r.path("movesInFlight").asInt() == 1);
            // Killed once the group's leader is trying to catch v5 up: the membership change is
            // under way, the case where Ratis blocks every other change.
            java.util.regex.Pattern changing =
                    java.util.regex.Pattern.compile("membership \\[.*\\] -> \\[.*v5.*\\]");
            CoordinatorVolumeClusterIT.await(
                    "the membership change to v5",
                    () -> nodes.get("c1").logLines(changing, 1),
                    lines -> !lines.isEmpty());
            Thread.sleep(2_000);
            nodes.get("v5").kill();
            killedAt = System.nanoTime();
            admin.awaitReport(
                    r ->
                            volume(r, "v5").path("shards").asInt(-1) == 0
                                    && r.path("movesInFlight").asInt(-1) == 0
                                    && r.path("underReplicatedShards").asInt(-1) == 0);
            CoordinatorVolumeClusterIT.awaitAcks(writers, writers.acks.get() + 100);
        } finally {
            writers.close();
        }
        double settledAfter = (System.nanoTime() - killedAt) / 1e9;
        assertThat(admin.call("DELETE", "/v1/admin/volumes/v5").statusCode()).isEqualTo(200);
        nodes.remove("v5");
        List<String> lost = new ArrayList<>();
        for (NodeJvm reader : List.of(nodes.get("c1"), nodes.get("v1"))) {
            lost.addAll(CoordinatorVolumeClusterIT.lost(http, reader.uri("/"), writers));
        }
        assertThat(lost).as("acknowledged writes not read back").isEmpty();
        System.out.printf(
                "lost joiner run: the move to v5 finished elsewhere %.0f s after v5 was killed"
                        + " (grace 10 s); %d acknowledged writes on %d keys verified, %d failed or"
                        + " unknown%n",
                settledAfter,
                writers.acks.get(),
                writers.acknowledged.size(),
                writers.failures.get());
    }

    private void add(String name, String role, int httpPort, Map<String, String> extra)
            throws Exception {
        Map<String, String> props =
                NodeJvm.clusterMember(name, role, GROUPS, NodeJvm.freePort(), coordinator, 3);
        props.putAll(extra);
        props.put("minikv.cluster.dead-volume-grace", "10s");
        props.put("minikv.cluster.liveness-timeout", "4s");
        nodes.put(name, new NodeJvm(name, tmp.resolve(name), httpPort, props));
    }
}
