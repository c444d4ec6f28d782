package dev.whispem.minikv.node.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-operation request metrics: {@code minikv_requests_seconds{op,status}} — a latency histogram
 * whose {@code _count} is the request counter, so rate and percentiles come from one meter.
 */
@ApplicationScoped
public class KvMetrics {

    private final MeterRegistry registry;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    private final Map<String, io.micrometer.core.instrument.Counter> replays =
            new ConcurrentHashMap<>();

    public KvMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * A write of {@code op} sent with an Idempotency-Key was answered with its stored outcome
     * instead of being applied again: {@code minikv_idempotent_replays_total{op}}.
     */
    public void replayed(String op) {
        replays.computeIfAbsent(
                        op,
                        k ->
                                io.micrometer.core.instrument.Counter.builder(
                                                "minikv.idempotent.replays")
                                        .description(
                                                "Writes sent again with the same Idempotency-Key"
                                                        + " and answered with the first outcome")
                                        .tag("op", op)
                                        .register(registry))
                .increment();
    }

    public void record(String op, int status, long startNanos) {
        String id = op + ':' + status;
        Timer t =
                timers.computeIfAbsent(
                        id,
                        k ->
                                Timer.builder("minikv.requests")
                                        .description("Client API requests by operation and status")
                                        .tag("op", op)
                                        .tag("status", Integer.toString(status))
                                        .publishPercentileHistogram()
                                        .minimumExpectedValue(
                                                Duration.ofMillis(0).plusNanos(20_000))
                                        .maximumExpectedValue(Duration.ofSeconds(10))
                                        .register(registry));
        t.record(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
}
