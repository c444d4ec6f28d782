package dev.whispem.minikv.node.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** The admin API of one node of a test cluster: calls, and waiting for a cluster report. */
final class CoordinatorAdmin {

    private final HttpClient http;
    private final Supplier<NodeJvm> node;

    CoordinatorAdmin(HttpClient http, Supplier<NodeJvm> node) {
        this.http = http;
        this.node = node;
    }

    HttpResponse<String> call(String method, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(node.get().uri(path))
                        .timeout(Duration.ofSeconds(30))
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Polls {@code GET /v1/admin/cluster} until {@code condition} holds (bounded). */
    JsonNode awaitReport(Predicate<JsonNode> condition) throws Exception {
        return CoordinatorVolumeClusterIT.await(
                "cluster report",
                () -> CoordinatorVolumeClusterIT.json(call("GET", "/v1/admin/cluster")),
                condition);
    }
}
