package dev.whispem.minikv.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A standalone node is SIGKILLed while 16 clients write; after restart every acknowledged write is
 * there. Runs for both replication engines.
 */
class StandaloneCrashIT {

    @TempDir Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"local", "ratis"})
    void acknowledgedWritesSurviveSigkillDuringWrites(String engine) throws Exception {
        int port = NodeJvm.freePort();
        Map<String, String> props = Map.of("minikv.replication.engine", engine);
        try (NodeJvm node = new NodeJvm("standalone-" + engine, tmp.resolve("data"), port, props)) {
            node.start();
            node.awaitReady();
            Writers writers = new Writers(16, 50, i -> node.uri("/"));
            ClusterFailoverIT.awaitAcks(writers, 500);
            node.kill();
            writers.close();
            assertThat(writers.acks.get()).as("writes acknowledged before the crash").isPositive();

            node.start();
            node.awaitReady();
            HttpClient http = HttpClient.newHttpClient();
            List<String> lost = new ArrayList<>();
            for (var e : writers.acknowledged.entrySet()) {
                HttpResponse<String> r =
                        http.send(
                                HttpRequest.newBuilder(node.uri("/v1/kv/" + e.getKey())).build(),
                                HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200 || !writers.allowed(e.getKey(), r.body())) {
                    lost.add(
                            e.getKey()
                                    + " expected "
                                    + e.getValue()
                                    + " got "
                                    + r.statusCode()
                                    + " "
                                    + r.body());
                }
            }
            assertThat(lost).as("acknowledged writes lost after SIGKILL").isEmpty();
        }
    }
}
