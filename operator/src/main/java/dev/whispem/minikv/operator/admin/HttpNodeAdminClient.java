package dev.whispem.minikv.operator.admin;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The node's admin API over HTTP/JSON ({@code /v1/admin/...}), reached through the coordinators'
 * Service; any coordinator forwards to the leader. Each call has a deadline; none is retried here
 * (the reconciler's next pass is the retry). Fields of the node's answers the operator does not
 * know are ignored; a refusal's {@code {"error","message"}} body becomes the exception's message.
 */
public class HttpNodeAdminClient implements NodeAdminClient {
    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final HttpClient http;
    private final URI base;
    private final String token;
    private final Duration timeout;
    private final Duration changeTimeout;

    public HttpNodeAdminClient(HttpClient http, URI base, String token, Duration timeout) {
        this(http, base, token, timeout, timeout);
    }

    /**
     * @param timeout deadline of the report and of volume drains, drain cancellations and removals
     * @param changeTimeout deadline of coordinator membership changes and leadership transfers,
     *     which the node answers only once the metadata group has applied them
     */
    public HttpNodeAdminClient(
            HttpClient http, URI base, String token, Duration timeout, Duration changeTimeout) {
        this.http = http;
        this.base = base;
        this.token = token;
        this.timeout = timeout;
        this.changeTimeout = changeTimeout;
    }

    @Override
    public ClusterReport clusterStatus() throws NodeAdminException {
        return send("GET", "/v1/admin/cluster", null, ClusterReport.class, timeout);
    }

    @Override
    public DrainProgress drainVolume(String member) throws NodeAdminException {
        return send(
                "POST",
                "/v1/admin/volumes/" + encode(member) + "/drain",
                "{}",
                DrainProgress.class,
                timeout);
    }

    @Override
    public DrainCancelled cancelDrain(String member) throws NodeAdminException {
        return send(
                "DELETE",
                "/v1/admin/volumes/" + encode(member) + "/drain",
                null,
                DrainCancelled.class,
                timeout);
    }

    @Override
    public void removeVolume(String member) throws NodeAdminException {
        send("DELETE", "/v1/admin/volumes/" + encode(member), null, Void.class, timeout);
    }

    @Override
    public void addCoordinator(String member) throws NodeAdminException {
        send("PUT", "/v1/admin/coordinators/" + encode(member), "{}", Void.class, changeTimeout);
    }

    @Override
    public void removeCoordinator(String member) throws NodeAdminException {
        send("DELETE", "/v1/admin/coordinators/" + encode(member), null, Void.class, changeTimeout);
    }

    @Override
    public void transferLeadership(String member) throws NodeAdminException {
        String body;
        try {
            body = JSON.writeValueAsString(Map.of("member", member));
        } catch (IOException e) {
            throw new NodeAdminException("cannot encode request", e);
        }
        send("POST", "/v1/admin/leadership", body, Void.class, changeTimeout);
    }

    private <T> T send(String method, String path, String body, Class<T> type, Duration deadline)
            throws NodeAdminException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(base.resolve(path))
                        .timeout(deadline)
                        .header("Accept", "application/json")
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new NodeAdminException(method + " " + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NodeAdminException(method + " " + path + ": interrupted", e);
        }
        if (response.statusCode() / 100 != 2) {
            throw refusal(method, path, response.statusCode(), response.body());
        }
        if (type == Void.class || response.body().isBlank()) {
            return null;
        }
        try {
            return JSON.readValue(response.body(), type);
        } catch (IOException e) {
            throw new NodeAdminException(
                    method + " " + path + ": bad response: " + e.getMessage(), e);
        }
    }

    /**
     * A non-2xx answer: the node's error body is {@code {"error": CODE, "message": text}}; anything
     * else (a proxy's page, an empty body) is quoted as it came.
     */
    private static NodeAdminException refusal(String method, String path, int status, String body) {
        String code = null;
        String message = body == null ? "" : body.strip();
        try {
            JsonNode error = JSON.readTree(message);
            if (error != null && error.isObject() && error.hasNonNull("message")) {
                code = error.path("error").asText(null);
                message = (code == null ? "" : code + ": ") + error.get("message").asText();
            }
        } catch (IOException e) {
            // not JSON: keep the body as it is
        }
        return new NodeAdminException(
                method + " " + path + ": HTTP " + status + (message.isEmpty() ? "" : " " + message),
                status,
                code);
    }

    private static String encode(String member) {
        return URLEncoder.encode(member, StandardCharsets.UTF_8);
    }
}
