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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP admin client against a small loopback server speaking the /v1/admin JSON contract. */
class HttpNodeAdminClientTest {
    HttpServer server;
    final List<String> requests = new CopyOnWriteArrayList<>();
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
                    requests.add(
                            exchange.getRequestMethod()
                                    + " "
                                    + exchange.getRequestURI().getPath()
                                    + " "
                                    + exchange.getRequestHeaders().getFirst("Authorization")
                                    + (body.isEmpty() ? "" : " " + body));
                    String path = exchange.getRequestURI().getPath();
                    String response = "";
                    int code = 200;
                    if (path.equals("/v1/admin/cluster")) {
                        response =
                                """
                        {"leader":"kv-coord-1",
                         "coordinators":[{"member":"kv-coord-0","healthy":true,"caughtUp":true},
                                         {"member":"kv-coord-1","healthy":true,"caughtUp":true}],
                         "volumes":[{"member":"kv-vol-0","healthy":true,"shards":256,"draining":false}],
                         "totalShards":256,"movesInFlight":2,"underReplicatedShards":0}""";
                    } else if (path.endsWith("/drain")) {
                        response =
                                "{\"member\":\"kv-vol-3\",\"remainingShards\":12,\"drained\":false}";
                    } else if (path.equals("/v1/admin/coordinators/kv-coord-0")
                            && exchange.getRequestMethod().equals("DELETE")) {
                        code = 409;
                        response = "{\"error\":\"is the leader\"}";
                    } else {
                        code = 204;
                    }
                    byte[] bytes = response.getBytes(StandardCharsets.UTF_8);
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
    void readsTheClusterReport() throws NodeAdminException {
        ClusterReport report = client.clusterStatus();
        assertThat(report.leader()).isEqualTo("kv-coord-1");
        assertThat(report.coordinators()).hasSize(2);
        assertThat(report.volume("kv-vol-0"))
                .hasValueSatisfying(v -> assertThat(v.shards()).isEqualTo(256));
        assertThat(report.movesInFlight()).isEqualTo(2);
        assertThat(requests).containsExactly("GET /v1/admin/cluster Bearer secret-token");
    }

    @Test
    void mutatingCallsUseTheDocumentedPaths() throws NodeAdminException {
        NodeAdminClient.DrainProgress progress = client.drainVolume("kv-vol-3");
        assertThat(progress.remainingShards()).isEqualTo(12);
        client.removeVolume("kv-vol-3");
        client.addCoordinator("kv-coord-3");
        client.removeCoordinator("kv-coord-3");
        client.transferLeadership("kv-coord-2");
        assertThat(requests)
                .containsExactly(
                        "POST /v1/admin/volumes/kv-vol-3/drain Bearer secret-token {}",
                        "DELETE /v1/admin/volumes/kv-vol-3 Bearer secret-token",
                        "PUT /v1/admin/coordinators/kv-coord-3 Bearer secret-token {}",
                        "DELETE /v1/admin/coordinators/kv-coord-3 Bearer secret-token",
                        "POST /v1/admin/leadership Bearer secret-token {\"member\":\"kv-coord-2\"}");
    }

    @Test
    void refusalsAndUnreachableServersBecomeNodeAdminExceptions() {
        assertThatThrownBy(() -> client.removeCoordinator("kv-coord-0"))
                .isInstanceOf(NodeAdminException.class)
                .hasMessageContaining("HTTP 409");
        server.stop(0);
        assertThatThrownBy(() -> client.clusterStatus()).isInstanceOf(NodeAdminException.class);
    }
}
