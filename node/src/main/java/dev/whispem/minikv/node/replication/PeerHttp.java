package dev.whispem.minikv.node.replication;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where each Raft peer serves HTTP, so a follower can fetch a group's snapshot from its leader. In
 * a coordinator/volume cluster the shard map feeds it; with static peers, {@code
 * minikv.raft.peer-http} does (without it, a follower behind the leader's purged log cannot catch
 * up and says so in its log). With auth on, the fetch carries the admin token, like the other
 * node-to-node calls ({@code ClusterHttp}): the snapshot endpoint is under {@code /v1/internal}.
 */
public final class PeerHttp {

    private final HttpClient client =
            HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .version(HttpClient.Version.HTTP_1_1)
                    .build();
    private volatile Map<String, String> byPeer;

    /** Sent as {@code Authorization: Bearer} on every fetch when auth is on; else null. */
    private final String bearerToken;

    /** Fetches without credentials (auth off). */
    public PeerHttp(Map<String, String> initial) {
        this(initial, null);
    }

    /** Fetches carrying {@code bearerToken} (the admin token) when it is not null or blank. */
    public PeerHttp(Map<String, String> initial, String bearerToken) {
        this.byPeer = Map.copyOf(initial);
        this.bearerToken = bearerToken == null || bearerToken.isBlank() ? null : bearerToken.trim();
    }

    /** Parses {@code id=host:port} entries. */
    public static Map<String, String> parse(List<String> specs) {
        Map<String, String> out = new TreeMap<>();
        for (String spec : specs) {
            String[] idAddr = spec.trim().split("=", 2);
            if (idAddr.length != 2 || idAddr[0].isBlank() || idAddr[1].isBlank()) {
                throw new IllegalArgumentException(
                        "minikv.raft.peer-http entry must be id=host:port: " + spec);
            }
            out.put(idAddr[0].trim(), idAddr[1].trim());
        }
        return out;
    }

    /** Replaces the known addresses (the latest shard map's volume servers). */
    public void update(Map<String, String> addresses) {
        if (!addresses.equals(byPeer)) {
            byPeer = Map.copyOf(addresses);
        }
    }

    /** The HTTP {@code host:port} of {@code peer}, when known. */
    public Optional<String> of(String peer) {
        return Optional.ofNullable(byPeer.get(peer));
    }

    /**
     * Downloads group {@code group}'s snapshot stream from {@code peer} into {@code target}
     * (replaced only once the whole body has arrived).
     */
    public void fetchSnapshot(String peer, int group, Path target) throws IOException {
        String hostPort =
                of(peer).orElseThrow(
                                () ->
                                        new IOException(
                                                "no HTTP address known for peer "
                                                        + peer
                                                        + " (set minikv.raft.peer-http with"
                                                        + " static peers)"));
        HttpRequest.Builder request =
                HttpRequest.newBuilder(
                                URI.create(
                                        "http://"
                                                + hostPort
                                                + "/v1/internal/groups/"
                                                + group
                                                + "/snapshot"))
                        .timeout(Duration.ofMinutes(30))
                        .header("Accept", "application/octet-stream")
                        .GET();
        if (bearerToken != null) {
            request.header("Authorization", "Bearer " + bearerToken);
        }
        Path part = target.resolveSibling(target.getFileName() + ".part");
        try {
            HttpResponse<InputStream> r =
                    client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = r.body()) {
                if (r.statusCode() != 200) {
                    throw new IOException(
                            "snapshot of group "
                                    + group
                                    + " from "
                                    + peer
                                    + " answered "
                                    + r.statusCode()
                                    + ": "
                                    + new String(
                                            body.readNBytes(512),
                                            java.nio.charset.StandardCharsets.UTF_8));
                }
                Files.copy(body, part, StandardCopyOption.REPLACE_EXISTING);
            }
            try (var ch = java.nio.channels.FileChannel.open(part)) {
                ch.force(true);
            }
            Files.move(
                    part,
                    target,
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted fetching a snapshot", e);
        } finally {
            Files.deleteIfExists(part);
        }
    }
}
