package dev.whispem.minikv.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Node-to-node calls carry the admin token when auth is on, and nothing when it is off. */
class ClusterHttpAuthTest {

    private HttpServer server;
    private final List<String> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(
                "/",
                exchange -> {
                    String auth = exchange.getRequestHeaders().getFirst("Authorization");
                    seen.add(auth == null ? "<none>" : auth);
                    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void withATokenEveryCallIsABearerCall() {
        ClusterHttp http = new ClusterHttp("secret-admin");
        assertThat(
                        http.send(
                                        host(),
                                        "POST",
                                        "/v1/internal/heartbeat",
                                        "{}",
                                        Duration.ofSeconds(5))
                                .ok())
                .isTrue();
        assertThat(
                        http.sendToAny(
                                        List.of(host()),
                                        0,
                                        "GET",
                                        "/v1/admin/cluster",
                                        null,
                                        Duration.ofSeconds(5))
                                .ok())
                .isTrue();
        assertThat(seen).containsExactly("Bearer secret-admin", "Bearer secret-admin");
    }

    @Test
    void withoutATokenNoAuthorizationIsSent() {
        new ClusterHttp().send(host(), "GET", "/v1/admin/cluster", null, Duration.ofSeconds(5));
        new ClusterHttp(" ").send(host(), "GET", "/v1/admin/cluster", null, Duration.ofSeconds(5));
        assertThat(seen).containsExactly("<none>", "<none>");
    }
}
