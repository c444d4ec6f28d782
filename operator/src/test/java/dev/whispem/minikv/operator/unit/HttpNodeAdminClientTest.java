package dev.whispem.minikv.operator.unit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.whispem.minikv.operator.admin.ClusterReport;
import dev.whispem.minikv.operator.admin.HttpNodeAdminClient;
import dev.whispem.minikv.operator.admin.NodeAdminClient;
import dev.whispem.minikv.operator.admin.NodeAdminException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP admin client against a loopback server answering what the node's {@code /v1/admin}
 * resource answers (node: ClusterResource, ClusterAdmin.Report, DrainProgress, DrainCancelled, and
 * the {@code {"error","message"}} refusals): the contract between operator and node, byte for byte;
 * and what a node version without a call answers for it.
 */
class HttpNodeAdminClientTest {

    /**
     * {@code GET /v1/admin/cluster} of a 3-coordinator cluster growing to 4 ({@code kv-coord-3}
     * registered, not yet added) with 4 volume servers, one of them draining: Jackson's encoding of
     * the node's ClusterAdmin.Report, field order included, plus a field the operator does not know
     * yet.
     */
    static final String NODE_REPORT =
            """
            {"leader":"kv-coord-1","epoch":57,"replicationFactor":3,\
            "coordinators":[\
            {"member":"kv-coord-0","healthy":true,"caughtUp":true,"voting":true},\
            {"member":"kv-coord-1","healthy":true,"caughtUp":true,"voting":true},\
            {"member":"kv-coord-2","healthy":true,"caughtUp":false,"voting":true},\
            {"member":"kv-coord-3","healthy":false,"caughtUp":false,"voting":false}],\
            "volumes":[\
            {"member":"kv-vol-0","healthy":true,"shards":224,"draining":false,\
            "http":"kv-vol-0.kv-vol.prod.svc:8080"},\
            {"member":"kv-vol-1","healthy":true,"shards":192,"draining":false,\
            "http":"kv-vol-1.kv-vol.prod.svc:8080"},\
            {"member":"kv-vol-2","healthy":true,"shards":224,"draining":false,\
            "http":"kv-vol-2.kv-vol.prod.svc:8080"},\
            {"member":"kv-vol-3","healthy":false,"shards":128,"draining":true,\
            "http":null}],\
            "totalShards":256,"movesInFlight":1,"underReplicatedShards":32,"balanced":false,\
            "shardMapFormat":2}""";

    HttpServer server;
    final List<String> requests = new CopyOnWriteArrayList<>();

    /** Answers of successive drain calls: the node's DrainProgress as the shards move away. */
    final Deque<String> drainAnswers = new ArrayDeque<>();

    /**
     * Non-zero: the status a node version without the cancel-drain call answers it with (405 where
     * the path has a POST route, 404 through a router that does not know it).
     */
    volatile int cancelDrainMissing;

    NodeAdminClient client;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(
                "/v1/admin/",
                exchange -> {
                    String body =
                            new String(
                                    exchange.getRequestBody().readAllBytes(),
                                    StandardCharsets.UTF_8);
                    String method = exchange.getRequestMethod();
                    String path = exchange.getRequestURI().getPath();
                    requests.add(
                            method
                                    + " "
                                    + path
                                    + " "
                                    + exchange.getRequestHeaders().getFirst("Authorization")
                                    + (body.isEmpty() ? "" : " " + body));
                    int code = 200;
                    String response;
                    if (path.equals("/v1/admin/cluster")) {
                        response = NODE_REPORT;
                    } else if (path.endsWith("/drain")
                            && method.equals("DELETE")
                            && cancelDrainMissing != 0) {
                        code = cancelDrainMissing;
                        if (code == 405) {
                            exchange.getResponseHeaders().add("Allow", "POST, OPTIONS");
                            response = "";
                        } else {
                            response = "<html><body>Not Found</body></html>";
                        }
                    } else if (path.endsWith("/drain") && method.equals("DELETE")) {
                        String member = path.split("/")[4];
                        if (member.equals("kv-vol-9")) {
                            code = 409;
                            response =
                                    "{\"error\":\"CONFLICT\",\"message\":\"no volume server"
                                            + " kv-vol-9\"}";
                        } else if (member.equals("kv-vol-8")) {
                            code = 503;
                            response =
                                    "{\"error\":\"NO_LEADER\",\"message\":\"the metadata"
                                            + " group has no known leader yet\"}";
                        } else {
                            // kv-vol-3 was draining and kept 40; kv-vol-0 was not draining.
                            int shards = member.equals("kv-vol-3") ? 40 : 224;
                            response =
                                    "{\"member\":\""
                                            + member
                                            + "\",\"draining\":false,\"shards\":"
                                            + shards
                                            + "}";
                        }
                    } else if (path.endsWith("/drain")) {
                        response =
                                drainAnswers.isEmpty()
                                        ? "{\"member\":\"kv-vol-3\",\"remainingShards\":0,"
                                                + "\"drained\":true}"
                                        : drainAnswers.poll();
                    } else if (path.equals("/v1/admin/volumes/kv-vol-3")) {
                        code = 409;
                        response =
                                "{\"error\":\"CONFLICT\",\"message\":\"volume server kv-vol-3"
                                        + " still holds 4 groups; drain it first\"}";
                    } else if (path.equals("/v1/admin/coordinators/kv-coord-4")
                            && method.equals("PUT")) {
                        code = 409;
                        response =
                                "{\"message\":\"coordinator kv-coord-4 has not registered yet;"
                                        + " start it first\",\"error\":\"CONFLICT\"}";
                    } else if (path.equals("/v1/admin/coordinators/kv-coord-1")
                            && method.equals("DELETE")) {
                        code = 409;
                        response =
                                "{\"error\":\"CONFLICT\",\"message\":\"coordinator kv-coord-1 is"
                                        + " the leader; transfer leadership first\"}";
                    } else if (path.equals("/v1/admin/leadership") && body.contains("kv-coord-9")) {
                        code = 503;
                        response =
                                "{\"error\":\"NO_LEADER\",\"message\":\"the metadata group has no"
                                        + " known leader yet\"}";
                    } else if (path.startsWith("/v1/admin/coordinators/")) {
                        String member = path.substring(path.lastIndexOf('/') + 1);
                        response =
                                method.equals("PUT")
                                        ? "{\"member\":\"" + member + "\",\"voting\":true}"
                                        : "{\"member\":\"" + member + "\",\"removed\":true}";
                    } else if (path.startsWith("/v1/admin/volumes/")) {
                        String member = path.substring(path.lastIndexOf('/') + 1);
                        response = "{\"member\":\"" + member + "\",\"removed\":true}";
                    } else if (path.equals("/v1/admin/leadership")) {
                        response = "{\"leader\":\"kv-coord-2\"}";
                    } else {
                        code = 404;
                        response = "";
                    }
                    byte[] bytes = response.getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
                    if (bytes.length > 0) {
                        exchange.getResponseBody().write(bytes);
                    }
                    exchange.close();
                });
        server.start();
        client =
                new HttpNodeAdminClient(
                        HttpClient.newHttpClient(),
                        URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                        "secret-token",
                        Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void readsTheNodesClusterReportIgnoringFieldsItDoesNotKnow() throws NodeAdminException {
        ClusterReport report = client.clusterStatus();
        assertThat(report.leader()).isEqualTo("kv-coord-1");
        assertThat(report.epoch()).isEqualTo(57);
        assertThat(report.replicationFactor()).isEqualTo(3);
        assertThat(report.totalShards()).isEqualTo(256);
        assertThat(report.movesInFlight()).isEqualTo(1);
        assertThat(report.underReplicatedShards()).isEqualTo(32);
        assertThat(report.balanced()).isFalse();
        assertThat(report.coordinators()).hasSize(4);
        assertThat(report.voters())
                .extracting(ClusterReport.Coordinator::member)
                .containsExactly("kv-coord-0", "kv-coord-1", "kv-coord-2");
        assertThat(report.registered("kv-coord-3")).isTrue();
        assertThat(report.registered("kv-coord-2")).isFalse();
        assertThat(report.allCoordinatorsHealthy())
                .as("kv-coord-2 votes but is behind; kv-coord-3 does not count")
                .isFalse();
        assertThat(report.volume("kv-vol-1"))
                .contains(new ClusterReport.Volume("kv-vol-1", true, 192, false));
        assertThat(report.volume("kv-vol-3"))
                .hasValueSatisfying(
                        v -> {
                            assertThat(v.draining()).isTrue();
                            assertThat(v.drained()).isFalse();
                            assertThat(v.shards()).isEqualTo(128);
                        });
        assertThat(requests).containsExactly("GET /v1/admin/cluster Bearer secret-token");
    }

    @Test
    void drainIsPolledUntilTheNodeAnswersDrained() throws NodeAdminException {
        drainAnswers.add("{\"member\":\"kv-vol-3\",\"remainingShards\":96,\"drained\":false}");
        drainAnswers.add("{\"member\":\"kv-vol-3\",\"remainingShards\":32,\"drained\":false}");
        drainAnswers.add("{\"member\":\"kv-vol-3\",\"remainingShards\":0,\"drained\":true}");
        List<NodeAdminClient.DrainProgress> progress = new java.util.ArrayList<>();
        NodeAdminClient.DrainProgress last;
        do {
            last = client.drainVolume("kv-vol-3");
            progress.add(last);
        } while (!last.drained() && progress.size() < 10);
        assertThat(progress)
                .containsExactly(
                        new NodeAdminClient.DrainProgress("kv-vol-3", 96, false),
                        new NodeAdminClient.DrainProgress("kv-vol-3", 32, false),
                        new NodeAdminClient.DrainProgress("kv-vol-3", 0, true));
        assertThat(requests)
                .containsOnly("POST /v1/admin/volumes/kv-vol-3/drain Bearer secret-token {}");
    }

    @Test
    void cancelDrainDeletesTheDrainAndReadsWhatTheServerKept() throws NodeAdminException {
        assertThat(client.cancelDrain("kv-vol-3"))
                .isEqualTo(new NodeAdminClient.DrainCancelled("kv-vol-3", false, 40));
        assertThat(client.cancelDrain("kv-vol-0"))
                .as("cancelling where no drain runs answers the same")
                .isEqualTo(new NodeAdminClient.DrainCancelled("kv-vol-0", false, 224));
        assertThat(requests)
                .containsExactly(
                        "DELETE /v1/admin/volumes/kv-vol-3/drain Bearer secret-token",
                        "DELETE /v1/admin/volumes/kv-vol-0/drain Bearer secret-token");
    }

    @Test
    void cancelDrainRefusalsAreConflictsOrNoLeaderNotUnsupported() {
        assertThatThrownBy(() -> client.cancelDrain("kv-vol-9"))
                .isInstanceOfSatisfying(
                        NodeAdminException.class,
                        e -> {
                            assertThat(e.conflict()).isTrue();
                            assertThat(e.unsupported()).isFalse();
                            assertThat(e.code()).isEqualTo("CONFLICT");
                            assertThat(e.getMessage())
                                    .isEqualTo(
                                            "DELETE /v1/admin/volumes/kv-vol-9/drain: HTTP 409"
                                                    + " CONFLICT: no volume server kv-vol-9");
                        });
        assertThatThrownBy(() -> client.cancelDrain("kv-vol-8"))
                .isInstanceOfSatisfying(
                        NodeAdminException.class,
                        e -> {
                            assertThat(e.unavailable()).isTrue();
                            assertThat(e.unsupported()).isFalse();
                            assertThat(e.code()).isEqualTo("NO_LEADER");
                        });
    }

    @Test
    void aNodeWithoutTheCancelCallAnswers405Or404AndIsUnsupported() throws NodeAdminException {
        cancelDrainMissing = 405;
        assertThatThrownBy(() -> client.cancelDrain("kv-vol-3"))
                .isInstanceOfSatisfying(
                        NodeAdminException.class,
                        e -> {
                            assertThat(e.unsupported()).isTrue();
                            assertThat(e.status()).isEqualTo(405);
                            assertThat(e.conflict()).isFalse();
                            assertThat(e.unavailable()).isFalse();
                            assertThat(e.code()).isNull();
                            assertThat(e.getMessage())
                                    .isEqualTo("DELETE /v1/admin/volumes/kv-vol-3/drain: HTTP 405");
                        });
        assertThat(client.drainVolume("kv-vol-3"))
                .as("the same node still drains")
                .isEqualTo(new NodeAdminClient.DrainProgress("kv-vol-3", 0, true));

        cancelDrainMissing = 404;
        assertThatThrownBy(() -> client.cancelDrain("kv-vol-3"))
                .isInstanceOfSatisfying(
                        NodeAdminException.class,
                        e -> {
                            assertThat(e.unsupported()).isTrue();
                            assertThat(e.status()).isEqualTo(404);
                            assertThat(e.getMessage())
                                    .isEqualTo(
                                            "DELETE /v1/admin/volumes/kv-vol-3/drain: HTTP 404"
                                                    + " <html><body>Not Found</body></html>");
                        });
    }

    @Test
    void mutatingCallsUseTheNodesPathsAndAcceptItsAnswers() throws NodeAdminException {
        client.removeVolume("kv-vol-4");
        client.addCoordinator("kv-coord-3");
        client.removeCoordinator("kv-coord-3");
        client.transferLeadership("kv-coord-2");
        assertThat(requests)
                .containsExactly(
                        "DELETE /v1/admin/volumes/kv-vol-4 Bearer secret-token",
                        "PUT /v1/admin/coordinators/kv-coord-3 Bearer secret-token {}",
                        "DELETE /v1/admin/coordinators/kv-coord-3 Bearer secret-token",
                        "POST /v1/admin/leadership Bearer secret-token {\"member\":\"kv-coord-2\"}");
    }

    @Test
    void aConflictCarriesTheNodesMessage() {
        assertThatThrownBy(() -> client.addCoordinator("kv-coord-4"))
                .isInstanceOfSatisfying(
                        NodeAdminException.class,
                        e -> {
                            assertThat(e.conflict()).isTrue();
                            assertThat(e.status()).isEqualTo(409);
                            assertThat(e.code()).isEqualTo("CONFLICT");
                            assertThat(e.getMessage())
                                    .isEqualTo(
                                            "PUT /v1/admin/coordinators/kv-coord-4: HTTP 409"
                                                    + " CONFLICT: coordinator kv-coord-4 has not"
                                                    + " registered yet; start it first");
                        });
        assertThatThrownBy(() -> client.removeVolume("kv-vol-3"))
                .isInstanceOfSatisfying(
                        NodeAdminException.class,
                        e -> {
                            assertThat(e.conflict()).isTrue();
                            assertThat(e.getMessage())
                                    .endsWith("still holds 4 groups; drain it first");
                        });
        assertThatThrownBy(() -> client.removeCoordinator("kv-coord-1"))
                .isInstanceOfSatisfying(
                        NodeAdminException.class,
                        e ->
                                assertThat(e.getMessage())
                                        .contains("HTTP 409")
                                        .endsWith("is the leader; transfer leadership first"));
    }

    @Test
    void noLeaderAndUnreachableServersBecomeNodeAdminExceptions() {
        assertThatThrownBy(() -> client.transferLeadership("kv-coord-9"))
                .isInstanceOfSatisfying(
                        NodeAdminException.class,
                        e -> {
                            assertThat(e.unavailable()).isTrue();
                            assertThat(e.code()).isEqualTo("NO_LEADER");
                            assertThat(e.getMessage())
                                    .contains("the metadata group has no known leader yet");
                        });
        server.stop(0);
        assertThatThrownBy(() -> client.clusterStatus())
                .isInstanceOfSatisfying(
                        NodeAdminException.class, e -> assertThat(e.status()).isZero());
    }
}
