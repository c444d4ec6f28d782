package dev.whispem.minikv.node.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** JSON over HTTP between nodes: heartbeats, registrations and forwarded admin calls. */
public final class ClusterHttp {

    private final HttpClient http =
            HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .version(HttpClient.Version.HTTP_1_1)
                    .build();

    /** Sent as {@code Authorization: Bearer} on every call when auth is on; else null. */
    private final String bearerToken;

    /** Calls without credentials (auth off). */
    public ClusterHttp() {
        this(null);
    }

    /** Calls carrying {@code bearerToken} (the admin token) when it is not null or blank. */
    public ClusterHttp(String bearerToken) {
        this.bearerToken = bearerToken == null || bearerToken.isBlank() ? null : bearerToken.trim();
    }

    /** An HTTP answer: status and body. */
    public record Answer(int status, String body) {
        public boolean ok() {
            return status / 100 == 2;
        }
    }

    /**
     * Sends one request to {@code hostPort}, marked as already forwarded (the receiver answers it
     * or fails, never forwards it again); IO failures become a 503 answer.
     */
    public Answer send(String hostPort, String method, String path, String body, Duration timeout) {
        return send(hostPort, method, path, body, timeout, true);
    }

    /** Like {@link #send}, but a coordinator that does not lead may forward it to its leader. */
    public Answer sendUnforwarded(String hostPort, String method, String path, Duration timeout) {
        return send(hostPort, method, path, null, timeout, false);
    }

    private Answer send(
            String hostPort,
            String method,
            String path,
            String body,
            Duration timeout,
            boolean forwarded) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create("http://" + hostPort + path))
                        .timeout(timeout)
                        .header("Accept", "application/json")
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body));
        if (forwarded) {
            request.header("X-MiniKV-Forwarded", "1");
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (bearerToken != null) {
            request.header("Authorization", "Bearer " + bearerToken);
        }
        try {
            HttpResponse<String> r =
                    http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (IOException e) {
            return new Answer(503, unavailable(hostPort + " unreachable: " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(503, unavailable("interrupted"));
        }
    }

    /**
     * Tries each of {@code hosts} in turn, starting at {@code first}; the first 2xx/4xx answer
     * wins.
     */
    public Answer sendToAny(
            List<String> hosts,
            int first,
            String method,
            String path,
            String body,
            Duration timeout) {
        Answer last = new Answer(503, unavailable("no coordinators configured"));
        for (int i = 0; i < hosts.size(); i++) {
            last = send(hosts.get((first + i) % hosts.size()), method, path, body, timeout);
            if (last.status() < 500) {
                return last;
            }
        }
        return last;
    }

    static String unavailable(String message) {
        return MetadataStateMachine.json(
                java.util.Map.of("error", "UNAVAILABLE", "message", message));
    }
}
