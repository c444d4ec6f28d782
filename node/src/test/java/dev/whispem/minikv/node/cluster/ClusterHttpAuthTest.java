package dev.whispem.minikv.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whispem.minikv.node.testing.StubHttpServer;
import dev.whispem.minikv.node.testing.StubHttpServer.Reply;
import dev.whispem.minikv.node.testing.StubHttpServer.Request;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Node-to-node calls carry the admin token when auth is on, and nothing when it is off. */
class ClusterHttpAuthTest {

    private StubHttpServer server;

    @BeforeEach
    void start() throws Exception {
        server = StubHttpServer.start((method, path, auth, body) -> Reply.of(200, "{}"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String host() {
        return server.hostPort();
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
        assertThat(server.requests())
                .extracting(Request::authorization)
                .containsExactly("Bearer secret-admin", "Bearer secret-admin");
    }

    @Test
    void withoutATokenNoAuthorizationIsSent() {
        new ClusterHttp().send(host(), "GET", "/v1/admin/cluster", null, Duration.ofSeconds(5));
        new ClusterHttp(" ").send(host(), "GET", "/v1/admin/cluster", null, Duration.ofSeconds(5));
        assertThat(server.requests())
                .extracting(Request::authorization)
                .containsExactly(null, null);
    }
}
