package dev.whispem.minikv.node.it;

import static dev.whispem.minikv.node.it.CoordinatorVolumeClusterIT.json;
import static dev.whispem.minikv.node.it.CoordinatorVolumeClusterIT.volume;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator and three volume servers as JVMs with a snapshot every 20 entries and tiny log
 * segments, so the group leaders purge their logs while clients write; then a fourth volume server
 * joins (replication factor 3: Ratis changes one member of three per move). The replicas moved to
 * it cannot replay the purged logs: they must fetch the groups' state from their leaders over HTTP,
 * and afterwards serve every acknowledged write from their own store.
 */
class SnapshotInstallIT {

    private static final int GROUPS = 2;

    @TempDir Path tmp;

    @RegisterExtension final NodeFleet nodes = new NodeFleet();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private String coordinator;

    @Test
    void aReplicaAddedAfterPurgeInstallsTheSnapshotAndServesAllData() throws Exception {
        int c1 = NodeJvm.freePort();
        coordinator = "127.0.0.1:" + c1;
        add("c1", "coordinator", c1);
        add("v1", "volume", NodeJvm.freePort());
        add("v2", "volume", NodeJvm.freePort());
        add("v3", "volume", NodeJvm.freePort());
        for (NodeJvm n : nodes.values()) {
            n.start();
        }
        for (NodeJvm n : nodes.values()) {
            n.awaitReady();
        }
        CoordinatorVolumeClusterIT.await(
                "groups placed",
                () -> json(call("GET", nodes.get("c1"), "/v1/admin/cluster")),
                r -> r.path("underReplicatedShards").asInt(-1) == 0);

        List<NodeJvm> entry = List.of(nodes.get("v1"), nodes.get("v2"), nodes.get("v3"));
        Writers writers = new Writers(4, 50, i -> entry.get(Math.floorMod(i, 3)).uri("/"));
        try {
            CoordinatorVolumeClusterIT.awaitAcks(writers, 600);
        } finally {
            writers.close();
        }
        long purged = 0;
        for (String v : List.of("v1", "v2", "v3")) {
            purged += markers(v);
        }
        assertThat(purged).as("snapshot markers on v1 to v3").isPositive();
        long logBytesBefore = logBytes("v1");

        add("v4", "volume", NodeJvm.freePort());
        nodes.get("v4").start();
        nodes.get("v4").awaitReady();
        JsonNode report =
                CoordinatorVolumeClusterIT.await(
                        "v4 receives replicas",
                        () -> json(call("GET", nodes.get("c1"), "/v1/admin/cluster")),
                        r ->
                                volume(r, "v4").path("shards").asInt() > 0
                                        && r.path("movesInFlight").asInt(-1) == 0
                                        && r.path("underReplicatedShards").asInt(-1) == 0);
        String v4log = Files.readString(tmp.resolve("v4.log"));
        assertThat(v4log).contains("installed snapshot");

        // Every acknowledged write, read from v4 without a read barrier: the groups v4 holds are
        // answered from its own store.
        List<String> wrong = new ArrayList<>();
        for (var e : writers.acknowledged.entrySet()) {
            HttpResponse<String> r =
                    http.send(
                            HttpRequest.newBuilder(
                                            nodes.get("v4")
                                                    .uri(
                                                            "/v1/kv/"
                                                                    + e.getKey()
                                                                    + "?consistency=stale"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200 || !writers.allowed(e.getKey(), r.body())) {
                wrong.add(e.getKey() + " read " + r.statusCode() + " " + r.body());
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(CoordinatorVolumeClusterIT.lost(http, nodes.get("v4").uri("/"), writers))
                .isEmpty();
        System.out.printf(
                "snapshot install run: %d acknowledged writes on %d keys; %d snapshot markers on"
                        + " v1-v3; v1 Raft log %d bytes; v4 holds %d shards, installs: %d%n",
                writers.acks.get(),
                writers.acknowledged.size(),
                purged,
                logBytesBefore,
                volume(report, "v4").path("shards").asInt(),
                v4log.split("installed snapshot", -1).length - 1);
    }

    private void add(String name, String role, int httpPort) throws Exception {
        Map<String, String> props =
                NodeJvm.clusterMember(name, role, GROUPS, NodeJvm.freePort(), coordinator, 3);
        props.put("minikv.raft.snapshot-every-entries", "20");
        props.put("minikv.raft.log-segment-size-kib", "16");
        nodes.put(name, new NodeJvm(name, tmp.resolve(name), httpPort, props));
    }

    private long markers(String node) throws Exception {
        return walkRaftDir(
                node,
                s ->
                        s.filter(p -> p.getFileName().toString().matches("snapshot\\.\\d+_\\d+"))
                                .count());
    }

    private long logBytes(String node) throws Exception {
        return walkRaftDir(
                node,
                s ->
                        s.filter(p -> p.getFileName().toString().startsWith("log_"))
                                .mapToLong(p -> p.toFile().length())
                                .sum());
    }

    /**
     * Walks a running node's Raft directory, again when a file vanished mid-walk: the node renames
     * its snapshot's temporary file and purges log segments while the test looks (CI once failed on
     * a {@code snapshot.*.tmp} gone between listing and reading its attributes).
     */
    private long walkRaftDir(String node, java.util.function.ToLongFunction<Stream<Path>> count)
            throws Exception {
        for (int attempt = 1; ; attempt++) {
            try (Stream<Path> s = Files.walk(tmp.resolve(node).resolve("raft"))) {
                return count.applyAsLong(s);
            } catch (java.io.UncheckedIOException e) {
                if (!(e.getCause() instanceof java.nio.file.NoSuchFileException) || attempt == 5) {
                    throw e;
                }
            }
        }
    }

    private HttpResponse<String> call(String method, NodeJvm node, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(node.uri(path))
                        .timeout(Duration.ofSeconds(30))
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
