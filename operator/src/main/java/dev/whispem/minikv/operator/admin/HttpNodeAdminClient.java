package dev.whispem.minikv.operator.admin;

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
 * (the reconciler's next pass is the retry).
 */
public class HttpNodeAdminClient implements NodeAdminClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI base;
    private final String token;
    private final Duration timeout;

    public HttpNodeAdminClient(HttpClient http, URI base, String token, Duration timeout) {
        this.http = http;
        this.base = base;
        this.token = token;
        this.timeout = timeout;
    }

    @Override
    public ClusterReport clusterStatus() throws NodeAdminException {
        return send("GET", "/v1/admin/cluster", null, ClusterReport.class);
    }

    @Override
    public DrainProgress drainVolume(String member) throws NodeAdminException {
        return send(
                "POST",
                "/v1/admin/volumes/" + encode(member) + "/drain",
                "{}",
                DrainProgress.class);
    }

    @Override
    public void removeVolume(String member) throws NodeAdminException {
        send("DELETE", "/v1/admin/volumes/" + encode(member), null, Void.class);
    }

    @Override
    public void addCoordinator(String member) throws NodeAdminException {
        send("PUT", "/v1/admin/coordinators/" + encode(member), "{}", Void.class);
    }

    @Override
    public void removeCoordinator(String member) throws NodeAdminException {
        send("DELETE", "/v1/admin/coordinators/" + encode(member), null, Void.class);
    }

    @Override
    public void transferLeadership(String member) throws NodeAdminException {
        String body;
        try {
            body = JSON.writeValueAsString(Map.of("member", member));
        } catch (IOException e) {
            throw new NodeAdminException("cannot encode request", e);
        }
        send("POST", "/v1/admin/leadership", body, Void.class);
    }

    private <T> T send(String method, String path, String body, Class<T> type)
            throws NodeAdminException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(base.resolve(path))
                        .timeout(timeout)
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
            throw new NodeAdminException(
                    method
                            + " "
                            + path
                            + ": HTTP "
                            + response.statusCode()
                            + " "
                            + response.body());
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

    private static String encode(String member) {
        return URLEncoder.encode(member, StandardCharsets.UTF_8);
    }
}
