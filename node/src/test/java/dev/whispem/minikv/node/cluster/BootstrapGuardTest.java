package dev.whispem.minikv.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whispem.minikv.node.testing.StubHttpServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bootstrap coordinator joins instead of bootstrapping only when another leader answers. */
class BootstrapGuardTest {

    private static final String REPORT = "{\"leader\":\"%s\",\"epoch\":7}";

    @Test
    void aLeaderReportedByAnotherCoordinatorMeansTheClusterExists() throws Exception {
        try (StubHttpServer down =
                        StubHttpServer.start((m, p, a, b) -> StubHttpServer.Reply.of(503, "{}"));
                StubHttpServer up =
                        StubHttpServer.start(
                                (m, p, a, b) ->
                                        StubHttpServer.Reply.of(200, REPORT.formatted("c2")))) {
            assertThat(
                            BootstrapGuard.existingLeader(
                                    new ClusterHttp(),
                                    List.of(down.hostPort(), up.hostPort()),
                                    "c1"))
                    .contains("c2");
            assertThat(up.lines()).containsExactly("GET /v1/admin/cluster <none>");
        }
    }

    @Test
    void noAnswerOrOnlyItselfAsLeaderMeansBootstrap() throws Exception {
        try (StubHttpServer down =
                        StubHttpServer.start((m, p, a, b) -> StubHttpServer.Reply.of(503, "{}"));
                StubHttpServer self =
                        StubHttpServer.start(
                                (m, p, a, b) ->
                                        StubHttpServer.Reply.of(200, REPORT.formatted("c1")))) {
            assertThat(
                            BootstrapGuard.existingLeader(
                                    new ClusterHttp(),
                                    List.of(down.hostPort(), self.hostPort(), "127.0.0.1:1"),
                                    "c1"))
                    .isEmpty();
            assertThat(down.lines()).hasSize(3); // three passes
        }
    }

    @Test
    void readsTheLeaderFromAReportOnly() {
        assertThat(BootstrapGuard.leaderOf(REPORT.formatted("c3"))).contains("c3");
        assertThat(BootstrapGuard.leaderOf("{\"leader\":null}")).isEmpty();
        assertThat(BootstrapGuard.leaderOf("<html>proxy error</html>")).isEmpty();
    }
}
