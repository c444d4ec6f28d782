package dev.whispem.minikv.node.it;

import static dev.whispem.minikv.node.it.CoordinatorVolumeClusterIT.json;
import static dev.whispem.minikv.node.it.CoordinatorVolumeClusterIT.volume;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
 * Draining a volume server at replication factor 1 and 2, where a move replaces as many members of
 * a group as it keeps and Ratis refuses to do that in one membership change: the coordinator goes
 * through the union of old and new members. Clients write through the coordinator and the volume
 * servers that stay; after the drain the volume server is stopped and removed, and every
 * acknowledged write reads back.
 */
class LowReplicationMoveIT {

    private static final int GROUPS = 2;

    @TempDir Path tmp;

    @RegisterExtension final NodeFleet nodes = new NodeFleet();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final CoordinatorAdmin admin = new CoordinatorAdmin(http, () -> nodes.get("c1"));
    private String coordinator;

    @Test
    void drainAtReplicationFactorOne() throws Exception {
        drainAndRemoveV1(1, 2);
    }

    @Test
    void drainAtReplicationFactorTwo() throws Exception {
        drainAndRemoveV1(2, 3);
    }

    private void drainAndRemoveV1(int rf, int volumes) throws Exception {
        long began = System.nanoTime();
        int c1 = NodeJvm.freePort();
        coordinator = "127.0.0.1:" + c1;
        add("c1", "coordinator", c1, rf);
        for (int i = 1; i <= volumes; i++) {
            add("v" + i, "volume", NodeJvm.freePort(), rf);
        }
        for (NodeJvm n : nodes.values()) {
            n.start();
        }
        for (NodeJvm n : nodes.values()) {
            n.awaitReady();
        }
        JsonNode report =
                admin.awaitReport(
                        r ->
                                r.path("underReplicatedShards").asInt(-1) == 0
                                        && r.path("movesInFlight").asInt(-1) == 0
                                        && r.path("balanced").asBoolean());
        assertThat(volume(report, "v1").path("shards").asInt()).as("v1 holds a group").isPositive();

        // Writers go through the coordinator and the volume servers that stay.
        List<NodeJvm> entry = nodes.values().stream().filter(n -> !n.name.equals("v1")).toList();
        Writers writers =
                new Writers(4, 20, i -> entry.get(Math.floorMod(i, entry.size())).uri("/"));
        try {
            CoordinatorVolumeClusterIT.awaitAcks(writers, 100);
            CoordinatorVolumeClusterIT.await(
                    "drain v1",
                    () -> json(admin.call("POST", "/v1/admin/volumes/v1/drain")),
                    r -> r.path("drained").asBoolean());
            CoordinatorVolumeClusterIT.awaitAcks(writers, writers.acks.get() + 100);
        } finally {
            writers.close();
        }
        report =
                admin.awaitReport(
                        r ->
                                volume(r, "v1").path("shards").asInt(-1) == 0
                                        && r.path("movesInFlight").asInt(-1) == 0
                                        && r.path("underReplicatedShards").asInt(-1) == 0);
        nodes.get("v1").close();
        assertThat(admin.call("DELETE", "/v1/admin/volumes/v1").statusCode()).isEqualTo(200);

        List<String> lost = new ArrayList<>();
        for (NodeJvm reader : entry) {
            lost.addAll(CoordinatorVolumeClusterIT.lost(http, reader.uri("/"), writers));
        }
        assertThat(lost).as("acknowledged writes not read back").isEmpty();
        report = admin.awaitReport(r -> r.path("volumes").size() == volumes - 1);
        System.out.printf(
                "low replication move run (RF %d, %d volumes): v1 drained and removed, %d"
                        + " acknowledged writes on %d keys verified through %s, %d failed or"
                        + " unknown; %.0f s%n",
                rf,
                volumes,
                writers.acks.get(),
                writers.acknowledged.size(),
                entry.stream().map(n -> n.name).toList(),
                writers.failures.get(),
                (System.nanoTime() - began) / 1e9);
    }

    private void add(String name, String role, int httpPort, int rf) throws Exception {
        Map<String, String> props =
                NodeJvm.clusterMember(name, role, GROUPS, NodeJvm.freePort(), coordinator, rf);
        nodes.put(name, new NodeJvm(name, tmp.resolve(name), httpPort, props));
    }
}
