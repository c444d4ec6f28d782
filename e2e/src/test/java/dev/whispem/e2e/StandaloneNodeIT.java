package dev.whispem.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's promise, checked on the packaged node: a value written is read back after SIGKILL.
 */
class StandaloneNodeIT {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void acknowledgedWriteSurvivesSigkillAndRestart(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        try (NodeProcess node = new NodeProcess(data, tmp.resolve("node.log"), Map.of())) {
            node.start();

            HttpResponse<String> put =
                    http.send(
                            HttpRequest.newBuilder(node.uri("/v1/kv/hello"))
                                    .PUT(HttpRequest.BodyPublishers.ofString("world"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(put.statusCode()).isEqualTo(200);
            assertThat(get(node, "hello").body()).isEqualTo("world");

            node.killHard();
            node.start();

            HttpResponse<String> afterRestart = get(node, "hello");
            assertThat(afterRestart.statusCode()).isEqualTo(200);
            assertThat(afterRestart.body()).isEqualTo("world");

            HttpResponse<String> delete =
                    http.send(
                            HttpRequest.newBuilder(node.uri("/v1/kv/hello")).DELETE().build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(delete.statusCode()).isEqualTo(204);
            assertThat(get(node, "hello").statusCode()).isEqualTo(404);
        }
    }

    private HttpResponse<String> get(NodeProcess node, String key) throws Exception {
        return http.send(
                HttpRequest.newBuilder(node.uri("/v1/kv/" + key)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
