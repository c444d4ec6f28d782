package dev.whispem.minikv.node.it;

import static dev.whispem.minikv.node.it.CoordinatorVolumeClusterIT.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bootstrap coordinator loses its disk while the other two run the cluster. Started again with
 * an empty data directory and the same settings, it must join the running metadata group instead of
 * creating a second, empty cluster beside it. The coordinators snapshot their metadata every 10
 * entries in 4 KiB log segments, and the test makes enough map changes that the leader has purged
 * the start of its log: the returning coordinator must take a snapshot from another coordinator,
 * and a coordinator restarted afterwards must start from its own snapshot.
 */
class BootstrapDiskLossIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;

    @RegisterExtension final NodeFleet nodes = new NodeFleet();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void aBootstrapCoordinatorWithAnEmptyDiskJoinsTheRunningCluster() throws Exception {
        long began = System.nanoTime();
        int[] ports = {NodeJvm.freePort(), NodeJvm.freePort(), NodeJvm.freePort()};
        String list = "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1] + ",127.0.0.1:" + ports[2];
        for (int i = 1; i <= 3; i++) {
            add("c" + i, "coordinator", ports[i - 1], list);
        }
        add("v1", "volume", NodeJvm.freePort(), list);
        for (NodeJvm n : nodes.values()) {
            n.start();
        }
        nodes.get("c1").awaitReady();
        for (String c : new String[] {"c2", "c3"}) {
            await(
                    "add " + c,
                    () -> call("PUT", "c1", "/v1/admin/coordinators/" + c),
                    s -> s == 200);
        }
        for (NodeJvm n : nodes.values()) {
            n.awaitReady();
        }
        await(
                "groups placed",
                () -> report("c2"),
                r ->
                        r.path("underReplicatedShards").asInt(-1) == 0
                                && r.path("volumes").size() == 1);
        for (int k = 0; k < 20; k++) {
            assertThat(put("v1", "k" + k, "v" + k)).isEqualTo(200);
        }
        // Map changes that grow the metadata log past a few snapshots and closed segments.
        for (int round = 0; round < 40; round++) {
            assertThat(call("POST", "c2", "/v1/admin/volumes/v1/drain")).isEqualTo(200);
            assertThat(call("DELETE", "c2", "/v1/admin/volumes/v1/drain")).isEqualTo(200);
        }
        long epochBefore = report("c2").path("epoch").asLong();
        assertThat(epochBefore).isGreaterThan(80);

        nodes.get("c1").kill();
        try (Stream<Path> files = Files.walk(tmp.resolve("c1"))) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        assertThat(tmp.resolve("c1")).doesNotExist();
        nodes.get("c1").start();
        nodes.get("c1").awaitReady();

        // One cluster: c1 is a caught-up voting member of the group c2 and c3 run, and the map it
        // answers with (forwarded to the leader or its own) is that group's, not a new one.
        JsonNode viaC2 = awaitCaughtUp("c1");
        assertThat(viaC2.path("coordinators").size()).isEqualTo(3);
        assertThat(viaC2.path("epoch").asLong()).isGreaterThanOrEqualTo(epochBefore);
        // c1 answers once it knows the leader (503 until then, as any follower would).
        JsonNode viaC1 =
                await(
                        "c1 answers with the group's map",
                        () -> report("c1"),
                        r -> r.path("epoch").asLong() >= epochBefore);
        assertThat(viaC1.path("volumes").get(0).path("shards").asInt()).isEqualTo(256);
        assertThat(Files.readString(tmp.resolve("c1.log")))
                .contains("instead of bootstrapping a second one")
                .contains("metadata group: installed snapshot");
        // c1 forwards reads to the groups' leaders once its routing has caught up with the map.
        for (int k = 0; k < 20; k++) {
            String path = "/v1/kv/k" + k;
            HttpResponse<String> r =
                    await("read " + path, () -> get("c1", path), a -> a.statusCode() != 503);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("v" + k);
        }
        // A coordinator restarted now loads its latest snapshot and replays only the log after it.
        nodes.get("c3").kill();
        nodes.get("c3").start();
        nodes.get("c3").awaitReady();
        JsonNode afterRestart = awaitCaughtUp("c3");
        assertThat(afterRestart.path("epoch").asLong()).isGreaterThanOrEqualTo(epochBefore);
        assertThat(Files.readString(tmp.resolve("c3.log")))
                .contains("metadata map loaded from snapshot");
        System.out.printf(
                "bootstrap disk loss run: c1 restarted empty, joined the running group (epoch %d"
                        + " before, %d after), 20 keys read back through c1; %d s%n",
                epochBefore,
                viaC1.path("epoch").asLong(),
                Duration.ofNanos(System.nanoTime() - began).toSeconds());
    }

    private void add(String name, String role, int httpPort, String coordinators) throws Exception {
        Map<String, String> props =
                NodeJvm.clusterMember(name, role, 2, NodeJvm.freePort(), coordinators, 1);
        if (role.equals("coordinator")) {
            props.put("minikv.raft.snapshot-every-entries", "10");
            props.put("minikv.raft.log-segment-size-kib", "4");
        }
        nodes.put(name, new NodeJvm(name, tmp.resolve(name), httpPort, props));
    }

    /** The report, as c2 gives it, once {@code member} is a healthy, caught-up coordinator. */
    private JsonNode awaitCaughtUp(String member) throws Exception {
        return await(
                member + " caught up",
                () -> report("c2"),
                r ->
                        coordinator(r, member).path("caughtUp").asBoolean()
                                && coordinator(r, member).path("healthy").asBoolean());
    }

    private static JsonNode coordinator(JsonNode report, String member) {
        for (JsonNode c : report.path("coordinators")) {
            if (member.equals(c.path("member").asText())) {
                return c;
            }
        }
        return JSON.createObjectNode();
    }

    private JsonNode report(String node) throws Exception {
        HttpResponse<String> r = get(node, "/v1/admin/cluster");
        return r.statusCode() == 200 ? JSON.readTree(r.body()) : JSON.createObjectNode();
    }

    private int call(String method, String node, String path) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(nodes.get(node).uri(path))
                                .timeout(Duration.ofSeconds(30))
                                .method(method, HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private int put(String node, String key, String value) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(nodes.get(node).uri("/v1/kv/" + key))
                                .timeout(Duration.ofSeconds(30))
                                .PUT(HttpRequest.BodyPublishers.ofString(value))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private HttpResponse<String> get(String node, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(nodes.get(node).uri(path))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
