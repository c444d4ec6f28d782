package dev.whispem.e2e.containers;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/** The node image runs as a non-root user on a read-only root filesystem and keeps its data. */
class NodeImageIT {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void standaloneNodeServesAndKeepsDataAcrossContainerRestart() throws Exception {
        try (GenericContainer<?> node =
                new GenericContainer<>(LocalImages.require(LocalImages.NODE))
                        .withExposedPorts(8080)
                        // Like a Kubernetes emptyDir: writable and executable (RocksDB loads its
                        // JNI library from it).
                        .withTmpFs(Map.of("/tmp", "rw,exec,size=256m"))
                        .withCreateContainerCmdModifier(
                                cmd -> cmd.getHostConfig().withReadonlyRootfs(true))
                        .waitingFor(
                                Wait.forHttp("/q/health/ready")
                                        .forStatusCode(200)
                                        .withStartupTimeout(Duration.ofSeconds(90)))) {
            node.start();

            String user = node.execInContainer("id", "-u").getStdout().trim();
            assertThat(user).isEqualTo("65532");

            URI key =
                    URI.create("http://localhost:" + node.getMappedPort(8080) + "/v1/kv/greeting");
            HttpResponse<String> put =
                    http.send(
                            HttpRequest.newBuilder(key)
                                    .PUT(
                                            HttpRequest.BodyPublishers.ofString(
                                                    "hello from a container"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(put.statusCode()).isEqualTo(200);

            // Restart the same container: the data directory is a volume, so the value stays.
            var docker = node.getDockerClient();
            docker.restartContainerCmd(node.getContainerId()).withTimeout(20).exec();
            URI again =
                    URI.create(
                            "http://localhost:" + mappedPortAfterRestart(node) + "/v1/kv/greeting");
            HttpResponse<String> get = awaitGet(again);
            assertThat(get.statusCode()).isEqualTo(200);
            assertThat(get.body()).isEqualTo("hello from a container");
        }
    }

    private static int mappedPortAfterRestart(GenericContainer<?> node) {
        var ports =
                node.getDockerClient()
                        .inspectContainerCmd(node.getContainerId())
                        .exec()
                        .getNetworkSettings()
                        .getPorts()
                        .getBindings();
        return ports.entrySet().stream()
                .filter(e -> e.getKey().getPort() == 8080)
                .flatMap(e -> java.util.Arrays.stream(e.getValue()))
                .map(b -> Integer.parseInt(b.getHostPortSpec()))
                .findFirst()
                .orElseThrow();
    }

    private HttpResponse<String> awaitGet(URI uri) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                HttpResponse<String> r =
                        http.send(
                                HttpRequest.newBuilder(uri).GET().build(),
                                HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 503 || System.nanoTime() > deadline) {
                    return r;
                }
            } catch (java.io.IOException starting) {
                if (System.nanoTime() > deadline) {
                    throw starting;
                }
            }
            Thread.sleep(250);
        }
    }
}
