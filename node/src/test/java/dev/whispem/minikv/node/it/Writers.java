package dev.whispem.minikv.node.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Client threads writing unique values and recording which writes were acknowledged (200). A write
 * that failed or timed out is "unknown": it may or may not have been applied, so only acknowledged
 * writes are checked afterwards.
 */
final class Writers implements AutoCloseable {

    /** key → the last acknowledged value of that key (each writer owns its keys). */
    final Map<String, String> acknowledged = new ConcurrentHashMap<>();

    /** key → values whose write had an unknown outcome; any of them may still be applied. */
    final Map<String, java.util.Set<String>> unknown = new ConcurrentHashMap<>();

    final AtomicLong acks = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads;

    /** {@code target} picks the node a writer sends its n-th request to. */
    Writers(int writers, int keysPerWriter, IntFunction<URI> target) {
        HttpClient http =
                HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(2))
                        .version(HttpClient.Version.HTTP_1_1)
                        .build();
        threads =
                java.util.stream.IntStream.range(0, writers)
                        .mapToObj(
                                w ->
                                        Thread.ofPlatform()
                                                .name("writer-" + w)
                                                .start(() -> write(http, w, keysPerWriter, target)))
                        .toList();
    }

    private void write(HttpClient http, int writer, int keys, IntFunction<URI> target) {
        for (int n = 0; running.get(); n++) {
            String key = "w" + writer + "-k" + (n % keys);
            String value = "w" + writer + "-n" + n;
            URI base = target.apply(writer + n);
            try {
                HttpResponse<String> r =
                        http.send(
                                HttpRequest.newBuilder(base.resolve("/v1/kv/" + key))
                                        .timeout(Duration.ofSeconds(10))
                                        .PUT(HttpRequest.BodyPublishers.ofString(value))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    acknowledged.put(key, value);
                    acks.incrementAndGet();
                } else {
                    // 5xx may mean "timed out after proposing": the outcome is unknown.
                    unknown.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(value);
                    failures.incrementAndGet();
                    Thread.sleep(50);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                // Unknown outcome: never recorded as acknowledged, but it may still be applied.
                unknown.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(value);
                failures.incrementAndGet();
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Whether {@code read} is an allowed final value of {@code key}. */
    boolean allowed(String key, String read) {
        return read.equals(acknowledged.get(key))
                || unknown.getOrDefault(key, java.util.Set.of()).contains(read);
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(20_000);
        }
    }
}
