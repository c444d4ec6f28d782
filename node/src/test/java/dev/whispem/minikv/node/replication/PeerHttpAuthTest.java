package dev.whispem.minikv.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.whispem.minikv.node.api.auth.AuthConfig;
import dev.whispem.minikv.node.testing.StubHttpServer;
import dev.whispem.minikv.node.testing.StubHttpServer.Reply;
import dev.whispem.minikv.node.testing.StubHttpServer.Request;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A snapshot fetch carries the admin token when auth is on, and nothing when it is off. */
class PeerHttpAuthTest {

    private static final byte[] SNAPSHOT = "snapshot-bytes".getBytes(StandardCharsets.UTF_8);

    @TempDir Path dir;

    private StubHttpServer server;

    /** Answers 401 to a request without exactly {@code Bearer secret-admin}, like AuthFilter. */
    @BeforeEach
    void start() throws Exception {
        server =
                StubHttpServer.start(
                        (method, path, auth, body) ->
                                "Bearer secret-admin".equals(auth)
                                        ? Reply.of(200, SNAPSHOT)
                                        : Reply.of(401, "{\"error\":\"UNAUTHENTICATED\"}"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Map<String, String> peers() {
        return Map.of("n2", server.hostPort());
    }

    @Test
    void withATokenTheFetchIsABearerCall() throws Exception {
        Path target = dir.resolve("group-3.snapshot");
        new PeerHttp(peers(), " secret-admin ").fetchSnapshot("n2", 3, target);
        assertThat(server.requests())
                .extracting(Request::path, Request::authorization)
                .containsExactly(tuple("/v1/internal/groups/3/snapshot", "Bearer secret-admin"));
        assertThat(Files.readAllBytes(target)).isEqualTo(SNAPSHOT);
    }

    @Test
    void withoutATokenNoAuthorizationIsSent() {
        Path target = dir.resolve("group-1.snapshot");
        for (PeerHttp http : List.of(new PeerHttp(peers()), new PeerHttp(peers(), " "))) {
            assertThatThrownBy(() -> http.fetchSnapshot("n2", 1, target))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("answered 401");
        }
        assertThat(server.requests())
                .extracting(Request::path, Request::authorization)
                .containsExactly(
                        tuple("/v1/internal/groups/1/snapshot", null),
                        tuple("/v1/internal/groups/1/snapshot", null));
        assertThat(target).doesNotExist();
        assertThat(dir.resolve("group-1.snapshot.part")).doesNotExist();
    }

    /** The node-to-node token of a node configured with {@code properties}. */
    private static String nodeToNodeToken(Map<String, String> properties) {
        boolean enabled = Boolean.parseBoolean(properties.get("minikv.auth.enabled"));
        Optional<String> admin = Optional.ofNullable(properties.get("minikv.auth.admin-token"));
        AuthConfig auth =
                new AuthConfig() {
                    @Override
                    public boolean enabled() {
                        return enabled;
                    }

                    @Override
                    public Optional<String> adminToken() {
                        return admin;
                    }

                    @Override
                    public Optional<String> jwtPublicKey() {
                        return Optional.empty();
                    }

                    @Override
                    public Optional<String> jobToken() {
                        return Optional.empty();
                    }

                    @Override
                    public Duration clockSkew() {
                        return Duration.ofSeconds(30);
                    }
                };
        return auth.nodeToNodeToken();
    }

    @Test
    void theAdminTokenIsUsedOnlyWhenAuthIsOn() {
        assertThat(
                        nodeToNodeToken(
                                Map.of(
                                        "minikv.auth.enabled", "true",
                                        "minikv.auth.admin-token", "secret-admin")))
                .isEqualTo("secret-admin");
        assertThat(
                        nodeToNodeToken(
                                Map.of(
                                        "minikv.auth.enabled", "false",
                                        "minikv.auth.admin-token", "secret-admin")))
                .isNull();
        assertThat(nodeToNodeToken(Map.of("minikv.auth.admin-token", "secret-admin"))).isNull();
        assertThat(nodeToNodeToken(Map.of())).isNull();
    }
}
