package dev.whispem.minikv.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three replicated nodes on loopback; clients create keys with {@code If-None-Match: *} and an
 * {@code Idempotency-Key}, and send a write again (to the next node, with the same key) after a 5xx
 * or no answer, while a node is SIGKILLed. Every write must end with 200: a copy applied twice
 * would answer the second one 412, and a write lost would leave its key absent (decision 0125).
 */
class KeyedWritesIT {

    @TempDir Path tmp;

    @RegisterExtension final NodeFleet fleet = new NodeFleet();

    @Test
    void createsRetriedAcrossALeaderKillApplyExactlyOnce() throws Exception {
        int n = 3;
        int[] raft = new int[n];
        StringBuilder peers = new StringBuilder();
        for (int i = 0; i < n; i++) {
            raft[i] = NodeJvm.freePort();
            peers.append(i == 0 ? "" : ",").append("n").append(i + 1).append("=127.0.0.1:");
            peers.append(raft[i]);
        }
        List<NodeJvm> nodes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, String> props = new HashMap<>();
            props.put("minikv.role", "volume");
            props.put("minikv.replication.engine", "ratis");
            props.put("minikv.replication.groups", "2");
            props.put("minikv.raft.node-id", "n" + (i + 1));
            props.put("minikv.raft.port", Integer.toString(raft[i]));
            props.put("minikv.raft.peers", peers.toString());
            NodeJvm node =
                    new NodeJvm(
                            "n" + (i + 1), tmp.resolve("n" + (i + 1)), NodeJvm.freePort(), props);
            fleet.put(node.name, node);
            nodes.add(node);
        }
        for (NodeJvm node : nodes) {
            node.start();
        }
        for (NodeJvm node : nodes) {
            node.awaitReady();
        }

        Creators creators = new Creators(8, nodes);
        awaitCount(creators.done, 150);
        long beforeKill = creators.done.get();
        nodes.get(0).kill();
        awaitCount(creators.done, beforeKill + 150);
        creators.close();

        System.out.printf(
                "keyed creates across a SIGKILL: %d answered (%d before the kill), %d sent again%n",
                creators.done.get(), beforeKill, creators.resent.get());
        assertThat(beforeKill).isPositive();
        assertThat(creators.answers)
                .as("every create answered, and answered 200")
                .allSatisfy((key, status) -> assertThat(status).as(key).isEqualTo(200));
        assertThat(creators.resent.get())
                .as("writes the clients sent again (the kill cut some)")
                .isPositive();
        HttpClient client = HttpClient.newHttpClient();
        for (String key : creators.answers.keySet()) {
            HttpResponse<String> r =
                    client.send(
                            HttpRequest.newBuilder(nodes.get(1).uri("/v1/kv/" + key)).build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(key).isEqualTo(200);
            assertThat(r.body()).isEqualTo("v-" + key);
        }
    }

    /** Waits (bounded) until {@code count} reaches {@code target}. */
    private static void awaitCount(AtomicLong count, long target) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (count.get() < target && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    /** Threads creating keys, each sent again with its idempotency key until a final answer. */
    private static final class Creators implements AutoCloseable {
        final Map<String, Integer> answers = new ConcurrentHashMap<>();
        final AtomicLong done = new AtomicLong();
        final AtomicLong resent = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();

        Creators(int count, List<NodeJvm> nodes) {
            HttpClient http =
                    HttpClient.newBuilder()
                            .connectTimeout(Duration.ofSeconds(2))
                            .version(HttpClient.Version.HTTP_1_1)
                            .build();
            for (int w = 0; w < count; w++) {
                int writer = w;
                threads.add(
                        Thread.ofPlatform()
                                .name("creator-" + w)
                                .start(() -> create(http, writer, nodes)));
            }
        }

        private void create(HttpClient http, int writer, List<NodeJvm> nodes) {
            int attempt = writer;
            for (int k = 0; running.get(); k++) {
                String key = "c" + writer + "-" + k;
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (System.nanoTime() < deadline) {
                    URI base = nodes.get(Math.floorMod(attempt++, nodes.size())).uri("/");
                    Integer status = send(http, base, key);
                    if (status != null && status < 500) {
                        answers.put(key, status);
                        done.incrementAndGet();
                        break;
                    }
                    resent.incrementAndGet();
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }

        /** The status, or null when no answer came. */
        private static Integer send(HttpClient http, URI base, String key) {
            try {
                return http.send(
                                HttpRequest.newBuilder(base.resolve("/v1/kv/" + key))
                                        .timeout(Duration.ofSeconds(10))
                                        .header("If-None-Match", "*")
                                        .header("Idempotency-Key", "create-" + key)
                                        .PUT(HttpRequest.BodyPublishers.ofString("v-" + key))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } catch (Exception e) {
                return null;
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(90_000);
            }
        }
    }
}
