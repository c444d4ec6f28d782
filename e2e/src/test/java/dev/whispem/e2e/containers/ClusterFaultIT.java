package dev.whispem.e2e.containers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whispem.e2e.linearizability.LinearizabilityChecker;
import dev.whispem.e2e.linearizability.Operation;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A replicated cluster of node containers under faults while clients write continuously: a node
 * killed with SIGKILL, the leader frozen, a node cut off the network and reconnected, a node
 * restarted. Afterwards every acknowledged write is readable with its value, the recorded histories
 * of concurrent reads, writes and compare-and-sets are linearizable key by key, and the cluster is
 * healthy again.
 */
class ClusterFaultIT {

    private static final int CLIENTS = 4;
    private static final Duration FAULT_LENGTH = Duration.ofSeconds(8);
    private static final Duration BETWEEN_FAULTS = Duration.ofSeconds(6);

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final List<String> faults = new ArrayList<>();

    @Test
    void noAcknowledgedWriteLostAndHistoriesLinearizableUnderFaults() throws Exception {
        try (NodeCluster cluster = new NodeCluster(3)) {
            cluster.start();

            List<Operation> history = Collections.synchronizedList(new ArrayList<>());
            List<String> keys = IntStream.range(0, 12).mapToObj(i -> "lin-" + i).toList();
            Map<String, String> acknowledged = new ConcurrentHashMap<>();
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                threads.add(
                        Thread.ofPlatform()
                                .name("client-" + c)
                                .start(new RecordingClient(c, cluster, keys, history, running)));
            }
            threads.add(
                    Thread.ofPlatform()
                            .name("ack-writer")
                            .start(() -> writeSequentially(cluster, acknowledged, running)));

            pause(BETWEEN_FAULTS);
            fault(
                    "SIGKILL node1, start it again",
                    () -> cluster.kill(0),
                    () -> cluster.startAgain(0));
            int leader = leaderOfMostGroups(cluster);
            fault(
                    "freeze the leader node" + (leader + 1) + " (docker pause)",
                    () -> cluster.pause(leader),
                    () -> cluster.unpause(leader));
            // Docker gives the reconnected node a new address under its name: the others must
            // find it there (docs/decisions/0105-raft-transport-reconnection.md).
            fault(
                    "disconnect node2 from the network, reconnect it",
                    () -> cluster.disconnect(1),
                    () -> cluster.reconnect(1));
            fault("restart node3 (SIGTERM, start)", () -> cluster.restart(2), () -> {});
            running.set(false);
            for (Thread t : threads) {
                t.join();
            }

            awaitHealthy(cluster);

            // Every acknowledged write is there, with its value, on every node.
            for (int node = 0; node < cluster.size(); node++) {
                for (var entry : acknowledged.entrySet()) {
                    HttpResponse<String> r = get(cluster, node, "/v1/kv/" + entry.getKey());
                    assertThat(r.statusCode())
                            .as("node%d %s", node + 1, entry.getKey())
                            .isEqualTo(200);
                    assertThat(r.body())
                            .as("node%d %s", node + 1, entry.getKey())
                            .isEqualTo(entry.getValue());
                }
            }

            List<Operation> recorded = List.copyOf(history);
            var result = new LinearizabilityChecker(Duration.ofSeconds(60)).check(recorded);
            String report =
                    String.format(
                            "cluster fault run: %d faults injected %s; %d acknowledged sequential writes verified on %d nodes;"
                                    + " %d operations on %d keys checked (%d ok, %d cas-failed, %d unknown): %s%n",
                            faults.size(),
                            faults,
                            acknowledged.size(),
                            cluster.size(),
                            recorded.size(),
                            result.perKey().size(),
                            count(recorded, Operation.Outcome.OK),
                            count(recorded, Operation.Outcome.FAILED),
                            count(recorded, Operation.Outcome.UNKNOWN),
                            result.verdict());
            System.out.print(report);
            Files.writeString(Path.of("target", "cluster-fault-report.txt"), report);

            assertThat(acknowledged).hasSizeGreaterThan(10);
            assertThat(recorded.size()).isGreaterThan(100);
            assertThat(result.verdict())
                    .as(
                            "non-linearizable keys %s, undecided %s",
                            result.keysWith(LinearizabilityChecker.Verdict.NOT_LINEARIZABLE),
                            result.keysWith(LinearizabilityChecker.Verdict.UNKNOWN))
                    .isEqualTo(LinearizabilityChecker.Verdict.LINEARIZABLE);
        }
    }

    private void fault(String name, Runnable inject, Runnable heal) throws InterruptedException {
        faults.add(name);
        inject.run();
        pause(FAULT_LENGTH);
        heal.run();
        pause(BETWEEN_FAULTS);
    }

    /**
     * One writer, one key per write: after the faults each acknowledged key must hold its value.
     */
    private void writeSequentially(
            NodeCluster cluster, Map<String, String> acknowledged, AtomicBoolean running) {
        for (int i = 0; running.get(); i++) {
            String key = "ack-" + i;
            String value = "value-" + i;
            try {
                HttpResponse<Void> r =
                        http.send(
                                HttpRequest.newBuilder(
                                                cluster.uri(i % cluster.size(), "/v1/kv/" + key))
                                        .timeout(Duration.ofSeconds(5))
                                        .PUT(HttpRequest.BodyPublishers.ofString(value))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    acknowledged.put(key, value);
                }
            } catch (IOException | InterruptedException notAcknowledged) {
                // only acknowledged writes are promised
            }
        }
    }

    /** The node that leads most shard groups, as the cluster reports it. */
    private int leaderOfMostGroups(NodeCluster cluster) throws Exception {
        for (int node = 0; node < cluster.size(); node++) {
            try {
                JsonNode status = json.readTree(get(cluster, node, "/v1/admin/status").body());
                Map<String, Integer> leads = new HashMap<>();
                status.get("groupStatus")
                        .forEach(g -> leads.merge(g.path("leader").asText(), 1, Integer::sum));
                String leader =
                        leads.entrySet().stream()
                                .max(Map.Entry.comparingByValue())
                                .orElseThrow()
                                .getKey();
                return Integer.parseInt(leader.substring(1)) - 1;
            } catch (IOException | RuntimeException unavailable) {
                // ask another node
            }
        }
        throw new IllegalStateException("no node reports leaders");
    }

    /** All nodes ready, every group led by one agreed leader, every replica caught up. */
    private void awaitHealthy(NodeCluster cluster) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                List<JsonNode> statuses = new ArrayList<>();
                for (int node = 0; node < cluster.size(); node++) {
                    statuses.add(json.readTree(get(cluster, node, "/v1/admin/status").body()));
                }
                last = statuses.toString();
                if (healthy(statuses)) {
                    return;
                }
            } catch (IOException | RuntimeException notYet) {
                last = notYet.toString();
            }
            pause(Duration.ofSeconds(2));
        }
        throw new AssertionError("cluster not healthy after the faults: " + last);
    }

    private static boolean healthy(List<JsonNode> statuses) {
        Map<Integer, String> leaders = new HashMap<>();
        Map<Integer, Long> committed = new HashMap<>();
        for (JsonNode s : statuses) {
            if (!s.path("ready").asBoolean() || s.path("members").size() != statuses.size()) {
                return false;
            }
            for (JsonNode g : s.get("groupStatus")) {
                int group = g.path("group").asInt();
                String leader = g.path("leader").asText("");
                if (leader.isEmpty() || !leader.equals(leaders.getOrDefault(group, leader))) {
                    return false;
                }
                leaders.put(group, leader);
                committed.merge(group, g.path("committed").asLong(), Math::max);
            }
        }
        // Caught up: every replica has applied everything any replica knows to be committed.
        for (JsonNode s : statuses) {
            for (JsonNode g : s.get("groupStatus")) {
                if (g.path("applied").asLong() < committed.get(g.path("group").asInt())) {
                    return false;
                }
            }
        }
        return true;
    }

    private HttpResponse<String> get(NodeCluster cluster, int node, String path)
            throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(cluster.uri(node, path))
                        .timeout(Duration.ofSeconds(5))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static long count(List<Operation> ops, Operation.Outcome outcome) {
        return ops.stream().filter(o -> o.outcome() == outcome).count();
    }

    private static void pause(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }
}
