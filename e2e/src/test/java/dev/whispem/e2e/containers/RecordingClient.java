package dev.whispem.e2e.containers;

import dev.whispem.e2e.linearizability.Operation;
import dev.whispem.e2e.linearizability.Operation.Outcome;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client of the cluster, recording every read, write and compare-and-set it makes as an {@link
 * Operation}: invocation and completion time, and what it learned. An answer it did not get
 * (timeout, refused connection, 5xx) leaves a write's outcome unknown; a failed read is dropped,
 * since it tells nothing about the register.
 */
final class RecordingClient implements Runnable {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final int id;
    private final NodeCluster cluster;
    private final List<String> keys;
    private final List<Operation> history;
    private final AtomicBoolean running;
    private final Random random;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private int sequence;

    RecordingClient(
            int id,
            NodeCluster cluster,
            List<String> keys,
            List<Operation> history,
            AtomicBoolean running) {
        this.id = id;
        this.cluster = cluster;
        this.keys = keys;
        this.history = history;
        this.running = running;
        this.random = new Random(id);
    }

    @Override
    public void run() {
        while (running.get()) {
            String key = keys.get(random.nextInt(keys.size()));
            int dice = random.nextInt(10);
            if (dice < 5) {
                read(key);
            } else if (dice < 8) {
                write(key);
            } else {
                read(key).ifPresent(seen -> cas(key, seen));
            }
        }
    }

    /** What a successful read saw: the value (null = absent) and its version. */
    record Seen(String value, String etag) {}

    private Optional<Seen> read(String key) {
        long call = System.nanoTime();
        try {
            HttpResponse<String> r = send(HttpRequest.newBuilder(uri(key)).GET());
            long ret = System.nanoTime();
            if (r.statusCode() == 200) {
                history.add(Operation.read(id, key, r.body(), call, ret));
                return Optional.of(new Seen(r.body(), r.headers().firstValue("ETag").orElse(null)));
            }
            if (r.statusCode() == 404) {
                history.add(Operation.read(id, key, null, call, ret));
                return Optional.of(new Seen(null, null));
            }
        } catch (IOException | InterruptedException unanswered) {
            // nothing learned
        }
        return Optional.empty();
    }

    private void write(String key) {
        String value = "c" + id + "-" + (++sequence);
        long call = System.nanoTime();
        Outcome outcome = Outcome.UNKNOWN;
        try {
            HttpResponse<String> r =
                    send(
                            HttpRequest.newBuilder(uri(key))
                                    .PUT(HttpRequest.BodyPublishers.ofString(value)));
            if (r.statusCode() == 200) {
                outcome = Outcome.OK;
            } else if (r.statusCode() >= 400 && r.statusCode() < 500) {
                return; // refused before anything was applied: not part of the history
            }
        } catch (IOException | InterruptedException unanswered) {
            // outcome stays unknown: the write may still be applied
        }
        history.add(Operation.write(id, key, value, outcome, call, System.nanoTime()));
    }

    private void cas(String key, Seen seen) {
        if (seen.etag() == null) {
            return; // nothing to compare with: this client only CASes from a version it read
        }
        String value = "c" + id + "-" + (++sequence);
        long call = System.nanoTime();
        Outcome outcome = Outcome.UNKNOWN;
        try {
            HttpResponse<String> r =
                    send(
                            HttpRequest.newBuilder(uri(key))
                                    .header("If-Match", seen.etag())
                                    .PUT(HttpRequest.BodyPublishers.ofString(value)));
            if (r.statusCode() == 200) {
                outcome = Outcome.OK;
            } else if (r.statusCode() == 412) {
                outcome = Outcome.FAILED;
            } else if (r.statusCode() >= 400 && r.statusCode() < 500) {
                return;
            }
        } catch (IOException | InterruptedException unanswered) {
            // unknown
        }
        // Versions are never reused for a key and every value is unique, so "the version I read"
        // and "the value I read" name the same state of the register.
        history.add(Operation.cas(id, key, seen.value(), value, outcome, call, System.nanoTime()));
    }

    private java.net.URI uri(String key) {
        return cluster.uri(random.nextInt(cluster.size()), "/v1/kv/" + key);
    }

    private HttpResponse<String> send(HttpRequest.Builder request)
            throws IOException, InterruptedException {
        return http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }
}
