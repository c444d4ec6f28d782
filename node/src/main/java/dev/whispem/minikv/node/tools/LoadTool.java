package dev.whispem.minikv.node.tools;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A closed- or open-loop HTTP load generator for MiniKV (and, for comparison, etcd's v3 JSON
 * gateway). Keep-alive connections, a fixed number of concurrent requests, a read/write mix over a
 * key space, and latency percentiles measured from each request's intended start (so an open-loop
 * run with {@code --rate} is not fooled by coordinated omission).
 */
@Command(
        name = "minikv-load",
        mixinStandardHelpOptions = true,
        description =
                "Drive a MiniKV node (or etcd) with HTTP load and print throughput and latency.")
public final class LoadTool implements java.util.concurrent.Callable<Integer> {

    enum Target {
        MINIKV,
        ETCD
    }

    @Option(
            names = "--url",
            description = "Base URL(s), comma separated (default ${DEFAULT-VALUE})")
    String url = "http://127.0.0.1:8080";

    @Option(names = "--target", description = "minikv or etcd (v3 JSON gateway)")
    Target target = Target.MINIKV;

    @Option(names = "--concurrency", description = "Requests in flight (= connections)")
    int concurrency = 64;

    @Option(names = "--duration", description = "Measured seconds")
    int durationSeconds = 10;

    @Option(names = "--warmup", description = "Unmeasured seconds before")
    int warmupSeconds = 2;

    @Option(names = "--value-size", description = "Bytes per value")
    int valueSize = 100;

    @Option(names = "--keys", description = "Key space size")
    int keys = 10_000;

    @Option(names = "--read-ratio", description = "Fraction of requests that are reads, 0..1")
    double readRatio = 0.0;

    @Option(names = "--rate", description = "Total requests/s (open loop); 0 = as fast as possible")
    int rate = 0;

    @Option(names = "--preload", description = "Write every key once before measuring")
    boolean preload;

    @Option(names = "--stale", description = "MiniKV reads with consistency=stale")
    boolean stale;

    @Option(
            names = "--token",
            defaultValue = "${env:MINIKV_TOKEN}",
            description =
                    "Bearer token for a MiniKV node with auth on (env MINIKV_TOKEN); not sent to"
                            + " etcd")
    String token;

    public static void main(String[] args) {
        System.exit(
                new CommandLine(new LoadTool())
                        .setCaseInsensitiveEnumValuesAllowed(true)
                        .execute(args));
    }

    /** A request without an answer by then counts as an error, so a run always ends. */
    private static final long REQUEST_TIMEOUT_MS = 10_000;

    private Vertx vertx;
    private final List<HttpClient> clients = new ArrayList<>();
    private List<URI> bases;
    private byte[] value;

    /** The {@code Authorization} header of MiniKV requests, or null without a token. */
    private String authorization;

    @Override
    public Integer call() throws Exception {
        vertx =
                Vertx.vertx(
                        new VertxOptions()
                                .setEventLoopPoolSize(
                                        Math.max(1, Runtime.getRuntime().availableProcessors())));
        bases = Arrays.stream(url.split(",")).map(String::trim).map(URI::create).toList();
        authorization = token == null || token.isBlank() ? null : "Bearer " + token.trim();
        for (URI base : bases) {
            clients.add(
                    vertx.createHttpClient(
                            new HttpClientOptions()
                                    .setKeepAlive(true)
                                    .setDefaultHost(base.getHost())
                                    .setDefaultPort(base.getPort()),
                            new PoolOptions()
                                    .setHttp1MaxSize(Math.max(1, concurrency / bases.size() + 1))));
        }
        value = new byte[valueSize];
        ThreadLocalRandom.current().nextBytes(value);
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) ('a' + (value[i] & 15));
        }
        try {
            if (preload) {
                Run p = run(0, 1.0, false, keys);
                System.out.printf(
                        Locale.ROOT,
                        "preloaded %d keys in %.1f s (%d errors)%n",
                        keys,
                        p.seconds,
                        p.errors.get());
            }
            if (warmupSeconds > 0) {
                run(warmupSeconds, readRatio, true, 0);
            }
            Run r = run(durationSeconds, readRatio, true, 0);
            r.report();
            return r.errors.get() > r.ops.get() / 100 ? 1 : 0;
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** Results of one phase. */
    final class Run {
        final AtomicLong ops = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final LatencyLog reads = new LatencyLog();
        final LatencyLog writes = new LatencyLog();
        double seconds;

        void report() {
            System.out.printf(
                    Locale.ROOT,
                    "target=%s concurrency=%d value=%dB keys=%d read-ratio=%.2f rate=%s duration=%.1fs%n",
                    target.name().toLowerCase(Locale.ROOT),
                    concurrency,
                    valueSize,
                    keys,
                    readRatio,
                    rate == 0 ? "max" : Integer.toString(rate),
                    seconds);
            System.out.printf(
                    Locale.ROOT,
                    "throughput %.0f ops/s, errors %d%n",
                    ops.get() / seconds,
                    errors.get());
            if (writes.size() > 0) {
                System.out.println("writes " + writes.summary(seconds));
            }
            if (reads.size() > 0) {
                System.out.println("reads  " + reads.summary(seconds));
            }
        }
    }

    /**
     * Runs one phase: {@code seconds} of load, or (when {@code fixedOps > 0}) one write per key.
     */
    private Run run(int seconds, double readFraction, boolean random, int fixedOps)
            throws InterruptedException {
        Run r = new Run();
        long start = System.nanoTime();
        long end = fixedOps > 0 ? Long.MAX_VALUE : start + TimeUnit.SECONDS.toNanos(seconds);
        AtomicLong nextKey = new AtomicLong();
        CountDownLatch done = new CountDownLatch(concurrency);
        long intervalNanos = rate > 0 ? (long) (1e9 * concurrency / rate) : 0;
        for (int w = 0; w < concurrency; w++) {
            HttpClient client = clients.get(w % clients.size());
            long first = start + (intervalNanos > 0 ? intervalNanos * w / concurrency : 0);
            vertx.runOnContext(
                    v ->
                            loop(
                                    r,
                                    client,
                                    first,
                                    intervalNanos,
                                    end,
                                    readFraction,
                                    fixedOps,
                                    nextKey,
                                    done));
        }
        done.await();
        r.seconds = (System.nanoTime() - start) / 1e9;
        return r;
    }

    private void loop(
            Run r,
            HttpClient client,
            long intended,
            long interval,
            long end,
            double readFraction,
            int fixedOps,
            AtomicLong nextKey,
            CountDownLatch done) {
        long now = System.nanoTime();
        if (now >= end) {
            done.countDown();
            return;
        }
        String key;
        boolean read;
        if (fixedOps > 0) {
            long k = nextKey.getAndIncrement();
            if (k >= fixedOps) {
                done.countDown();
                return;
            }
            key = keyName(k);
            read = false;
        } else {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            key = keyName(rnd.nextInt(keys));
            read = rnd.nextDouble() < readFraction;
        }
        if (interval > 0 && intended > now) {
            long delayMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(intended - now));
            vertx.setTimer(
                    delayMs,
                    id ->
                            send(
                                    r,
                                    client,
                                    intended,
                                    interval,
                                    end,
                                    readFraction,
                                    fixedOps,
                                    nextKey,
                                    done,
                                    key,
                                    read));
        } else {
            send(
                    r,
                    client,
                    interval > 0 ? intended : now,
                    interval,
                    end,
                    readFraction,
                    fixedOps,
                    nextKey,
                    done,
                    key,
                    read);
        }
    }

    private void send(
            Run r,
            HttpClient client,
            long intended,
            long interval,
            long end,
            double readFraction,
            int fixedOps,
            AtomicLong nextKey,
            CountDownLatch done,
            String key,
            boolean read) {
        request(client, key, read)
                .onComplete(
                        ar -> {
                            long latency = System.nanoTime() - intended;
                            if (ar.succeeded() && ar.result() < 400
                                    || (read && ar.succeeded() && ar.result() == 404)) {
                                r.ops.incrementAndGet();
                                (read ? r.reads : r.writes).add(latency);
                            } else {
                                r.errors.incrementAndGet();
                            }
                            long next = interval > 0 ? intended + interval : System.nanoTime();
                            loop(
                                    r,
                                    client,
                                    next,
                                    interval,
                                    end,
                                    readFraction,
                                    fixedOps,
                                    nextKey,
                                    done);
                        });
    }

    private static String keyName(long k) {
        return String.format(Locale.ROOT, "key%08d", k);
    }

    private Future<Integer> request(HttpClient client, String key, boolean read) {
        return switch (target) {
            case MINIKV -> {
                String uri = "/v1/kv/" + key + (read && stale ? "?consistency=stale" : "");
                RequestOptions options =
                        new RequestOptions()
                                .setMethod(read ? HttpMethod.GET : HttpMethod.PUT)
                                .setURI(uri)
                                .setTimeout(REQUEST_TIMEOUT_MS);
                if (authorization != null) {
                    options.putHeader("Authorization", authorization);
                }
                yield client.request(options)
                        .compose(req -> read ? req.send() : req.send(Buffer.buffer(value)))
                        .compose(resp -> resp.body().map(b -> resp.statusCode()));
            }
            case ETCD -> {
                String k = Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8));
                String body =
                        read
                                ? "{\"key\":\"" + k + "\"}"
                                : "{\"key\":\""
                                        + k
                                        + "\",\"value\":\""
                                        + Base64.getEncoder().encodeToString(value)
                                        + "\"}";
                yield client.request(
                                new RequestOptions()
                                        .setMethod(HttpMethod.POST)
                                        .setURI(read ? "/v3/kv/range" : "/v3/kv/put")
                                        .setTimeout(REQUEST_TIMEOUT_MS))
                        .compose(
                                req -> req.putHeader("content-type", "application/json").send(body))
                        .compose(resp -> resp.body().map(b -> resp.statusCode()));
            }
        };
    }
}
