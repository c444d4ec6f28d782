package dev.whispem.minikv.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three coordinators and volume servers as separate JVMs on loopback, driven the way the operator
 * drives them, while clients write through every node: the coordinators admit members, place the
 * shard groups and even out their leaders; a volume server and then the metadata leader are
 * SIGKILLed and restarted; a new volume server joins and the groups rebalance; a drain is
 * cancelled, then one is drained and removed; one is lost for good and its replicas are re-created
 * elsewhere after the grace period. Every acknowledged write stays readable throughout.
 */
class CoordinatorVolumeClusterIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int GROUPS = 4;

    // Kept when the test fails: the nodes' logs are in it.
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path tmp;

    @RegisterExtension final NodeFleet nodes = new NodeFleet();

    private final Map<String, Integer> raftPorts = new HashMap<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private String coordinatorList;

    @Test
    void membershipChangesAndFailuresLoseNoAcknowledgedWrite() throws Exception {
        List<Integer> coordinatorPorts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            coordinatorPorts.add(NodeJvm.freePort());
        }
        coordinatorList =
                String.join(",", coordinatorPorts.stream().map(p -> "127.0.0.1:" + p).toList());
        for (int i = 1; i <= 3; i++) {
            add("c" + i, "coordinator", coordinatorPorts.get(i - 1));
        }
        for (int i = 1; i <= 3; i++) {
            add("v" + i, "volume", NodeJvm.freePort());
        }
        for (NodeJvm n : nodes.values()) {
            n.start();
        }
        node("c1").awaitReady();
        // A coordinator votes only once it has registered and been added, one change at a time.
        for (String c : List.of("c2", "c3")) {
            await(
                    "add " + c,
                    () -> call("PUT", node("c1"), "/v1/admin/coordinators/" + c).statusCode(),
                    s -> s == 200);
        }
        for (NodeJvm n : nodes.values()) {
            n.awaitReady();
        }
        JsonNode report =
                awaitReport(node("c2"), r -> r.path("underReplicatedShards").asInt(-1) == 0);
        assertThat(report.path("coordinators")).allMatch(c -> c.path("voting").asBoolean());
        assertThat(report.path("volumes")).allMatch(v -> v.path("shards").asInt() == 256);
        // Elections put the groups' leaders anywhere; the coordinators even them out.
        report = awaitReport(node("c1"), CoordinatorVolumeClusterIT::leadersEven);
        assertThat(report.path("volumes")).allMatch(v -> v.path("leads").asInt() >= 1);

        // Writers read this list while nodes come and go.
        List<NodeJvm> entry = new java.util.concurrent.CopyOnWriteArrayList<>(nodes.values());
        Writers writers =
                new Writers(8, 30, i -> entry.get(Math.floorMod(i, entry.size())).uri("/"));
        try {
            awaitAcks(writers, 100);

            // A volume server crashes: its groups keep a majority, writes go on.
            kill("v1", writers);
            restart("v1");
            // The metadata leader crashes: the data path does not depend on it; a new leader
            // takes over the map.
            String leader =
                    awaitReport(node("c2"), r -> r.path("leader").isTextual())
                            .path("leader")
                            .asText();
            kill(leader, writers);
            String other = leader.equals("c2") ? "c3" : "c2";
            awaitReport(
                    node(other),
                    r -> r.path("leader").isTextual() && !r.path("leader").asText().equals(leader));
            restart(leader);

            // A new volume server joins: the coordinators move replicas to it.
            add("v4", "volume", NodeJvm.freePort());
            node("v4").start();
            node("v4").awaitReady();
            report =
                    awaitReport(
                            node("c3"),
                            r ->
                                    volume(r, "v4").path("shards").asInt() > 0
                                            && r.path("movesInFlight").asInt() == 0
                                            && r.path("balanced").asBoolean()
                                            && r.path("underReplicatedShards").asInt(-1) == 0);
            awaitAcks(writers, writers.acks.get() + 100);

            // A drain started and cancelled (a scale-down undone): v2 is no longer draining and
            // keeps at least all but the one move that may have been under way.
            int v2Shards = volume(report, "v2").path("shards").asInt();
            assertThat(call("POST", node("v1"), "/v1/admin/volumes/v2/drain").statusCode())
                    .isEqualTo(200);
            JsonNode cancelled = json(call("DELETE", node("v1"), "/v1/admin/volumes/v2/drain"));
            assertThat(cancelled.path("draining").asBoolean(true)).isFalse();
            assertThat(cancelled.path("shards").asInt()).isPositive();
            report =
                    awaitReport(
                            node("c1"),
                            r ->
                                    !volume(r, "v2").path("draining").asBoolean(true)
                                            && r.path("movesInFlight").asInt() == 0);
            assertThat(volume(report, "v2").path("shards").asInt())
                    .isGreaterThanOrEqualTo(v2Shards - 256 / GROUPS);
            assertThat(call("DELETE", node("v1"), "/v1/admin/volumes/v9/drain").statusCode())
                    .isEqualTo(409);

            // Scale-down as the operator does it, through a volume server this time: drain until
            // drained, stop the process, then remove the member.
            try {
                await(
                        "drain v2",
                        () -> json(call("POST", node("v3"), "/v1/admin/volumes/v2/drain")),
                        r -> r.path("drained").asBoolean());
            } catch (AssertionError stuck) {
                throw explained(stuck);
            }
            entry.remove(node("v2"));
            node("v2").close();
            nodes.remove("v2");
            assertThat(call("DELETE", node("v3"), "/v1/admin/volumes/v2").statusCode())
                    .isEqualTo(200);
            awaitAcks(writers, writers.acks.get() + 100);

            // A volume server is lost for good: after the grace period its replicas are
            // re-created on the others, and it can be removed.
            add("v5", "volume", NodeJvm.freePort());
            node("v5").start();
            node("v5").awaitReady();
            entry.add(node("v5"));
            awaitReport(node("c1"), r -> volume(r, "v5").path("shards").asInt() > 0);
            NodeJvm lostForGood = node("v3");
            entry.remove(lostForGood);
            kill("v3", writers);
            report =
                    awaitReport(
                            node("c1"),
                            r ->
                                    volume(r, "v3").path("shards").asInt(-1) == 0
                                            && r.path("underReplicatedShards").asInt(-1) == 0
                                            && r.path("movesInFlight").asInt(-1) == 0);
            assertThat(call("DELETE", node("c2"), "/v1/admin/volumes/v3").statusCode())
                    .isEqualTo(200);
            awaitAcks(writers, writers.acks.get() + 100);
        } finally {
            writers.close();
        }
        assertThat(writers.acks.get()).isPositive();
        for (String reader : List.of("c1", "v1", "v4", "v5")) {
            assertThat(ClusterFailoverIT.lost(http, node(reader).uri("/"), writers, ""))
                    .as("acknowledged writes read through " + reader)
                    .isEmpty();
        }
        report = awaitReport(node("c1"), r -> r.path("balanced").asBoolean());
        assertThat(report.path("volumes").size()).isEqualTo(3);
        assertThat(report.path("coordinators").size()).isEqualTo(3);
        System.out.printf(
                "coordinator/volume cluster run: %d acknowledged writes on %d keys verified, %d"
                        + " failed or unknown; faults: SIGKILL v1, SIGKILL metadata leader, join v4,"
                        + " drain v2 cancelled, drain+remove v2, join v5, v3 lost and"
                        + " re-replicated%n",
                writers.acks.get(), writers.acknowledged.size(), writers.failures.get());
    }

    private void add(String name, String role, int httpPort) throws Exception {
        int raft = NodeJvm.freePort();
        raftPorts.put(name, raft);
        Map<String, String> props =
                NodeJvm.clusterMember(name, role, GROUPS, raft, coordinatorList, 3);
        props.put("minikv.cluster.dead-volume-grace", "20s");
        props.put("minikv.cluster.liveness-timeout", "6s");
        nodes.put(name, new NodeJvm(name, tmp.resolve(name), httpPort, props));
    }

    private NodeJvm node(String name) {
        return nodes.get(name);
    }

    private void kill(String name, Writers writers) throws Exception {
        long before = writers.acks.get();
        node(name).kill();
        awaitAcks(writers, before + 100);
        assertThat(writers.acks.get())
                .as("writes resumed after killing " + name)
                .isGreaterThan(before);
    }

    private void restart(String name) throws Exception {
        node(name).start();
        node(name).awaitReady();
    }

    static void awaitAcks(Writers writers, long target) throws InterruptedException {
        ClusterFailoverIT.awaitAcks(writers, target);
    }

    private HttpResponse<String> call(String method, NodeJvm node, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(node.uri(path))
                        .timeout(Duration.ofSeconds(90))
                        .method(
                                method,
                                method.equals("POST") || method.equals("PUT")
                                        ? HttpRequest.BodyPublishers.ofString("{}")
                                        : HttpRequest.BodyPublishers.noBody())
                        .header("Content-Type", "application/json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The JSON body of a 200 answer, an empty object otherwise. */
    static JsonNode json(HttpResponse<String> r) throws Exception {
        return r.statusCode() == 200 ? JSON.readTree(r.body()) : JSON.createObjectNode();
    }

    private JsonNode awaitReport(NodeJvm node, Predicate<JsonNode> condition) throws Exception {
        return await(
                "cluster report of " + node.name,
                () -> json(call("GET", node, "/v1/admin/cluster")),
                condition);
    }

    /** Every group has a reported leader, and no volume server leads two more than another. */
    static boolean leadersEven(JsonNode report) {
        int sum = 0;
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (JsonNode v : report.path("volumes")) {
            int leads = v.path("leads").asInt();
            sum += leads;
            min = Math.min(min, leads);
            max = Math.max(max, leads);
        }
        return sum == GROUPS && max - min <= 1;
    }

    /** The entry of {@code member} in a cluster report's volumes, an empty object if absent. */
    static JsonNode volume(JsonNode report, String member) {
        for (JsonNode v : report.path("volumes")) {
            if (v.path("member").asText().equals(member)) {
                return v;
            }
        }
        return JSON.createObjectNode();
    }

    /**
     * The failure with the cluster's state and the coordinators' last placement lines added: CI
     * keeps little more than the failure message.
     */
    private AssertionError explained(AssertionError failure) throws Exception {
        StringBuilder out = new StringBuilder(failure.getMessage());
        out.append("\ncluster: ").append(call("GET", node("c1"), "/v1/admin/cluster").body());
        java.util.regex.Pattern worth =
                java.util.regex.Pattern.compile("placement|membership|now on|waits|leadership");
        for (String c : List.of("c1", "c2", "c3")) {
            node(c).logLines(worth, 12).forEach(line -> out.append('\n').append(line));
        }
        return new AssertionError(out.toString(), failure);
    }

    @FunctionalInterface
    interface Probe<T> {
        T get() throws Exception;
    }

    /** Polls {@code probe} until {@code done} holds (bounded); fails with the last value seen. */
    static <T> T await(String what, Probe<T> probe, Predicate<T> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        T last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = probe.get();
                if (done.test(last)) {
                    return last;
                }
            } catch (java.io.IOException notYet) {
                // a node restarting
            }
            Thread.sleep(500);
        }
        throw new AssertionError(what + " did not happen in time; last: " + last);
    }

    static List<String> lost(HttpClient client, java.net.URI base, Writers writers)
            throws Exception {
        return ClusterFailoverIT.lost(client, base, writers, "");
    }
}
