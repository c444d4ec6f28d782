package dev.whispem.minikv.node.tools;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SelectStrategy;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A closed- or open-loop HTTP load generator for MiniKV (and, for comparison, etcd's v3 JSON
 * gateway). Keep-alive connections on Netty's native epoll transport with a minimal HTTP/1.1 codec
 * ({@link LoadConnection}), a fixed number of concurrent requests, a read/write mix over a key
 * space, and latency percentiles measured from each request's intended start (so an open-loop run
 * with {@code --rate} is not fooled by coordinated omission).
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
            names = "--idempotency-keys",
            description =
                    "MiniKV writes carry an Idempotency-Key, a new one per request: the node"
                            + " resends a write whose outcome it lost, and each applies once")
    boolean idempotencyKeys;

    @Option(
            names = "--ttl",
            description = "MiniKV writes expire after this many seconds (0 = never)")
    int ttlSeconds;

    @Option(
            names = "--event-loops",
            description = "Client event loop threads (default: one per core)")
    int eventLoops = Runtime.getRuntime().availableProcessors();

    @Option(
            names = "--busy-poll",
            arity = "0..1",
            description =
                    "Client event loops spin instead of sleeping between requests (native epoll"
                            + " only; each loop keeps a core busy)")
    boolean busyPoll;

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

    /** Makes idempotency keys of different runs differ. */
    private static final String RUN_ID = Long.toString(System.nanoTime(), 36);

    private final java.util.concurrent.atomic.AtomicLong requestIds =
            new java.util.concurrent.atomic.AtomicLong();

    /** A request without an answer by then counts as an error, so a run always ends. */
    private static final long REQUEST_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private EventLoopGroup group;

    /** The connections, grouped by the event loop they live on. */
    private final Map<EventLoop, List<LoadConnection>> byLoop = new LinkedHashMap<>();

    private List<URI> bases;
    private byte[] value;

    /** {@link #value} as etcd's JSON gateway takes it, encoded once rather than per request. */
    private String valueBase64;

    /** The {@code Authorization} header line of MiniKV requests, or empty without a token. */
    private String authorization = "";

    @Override
    public Integer call() throws Exception {
        int loops = Math.max(1, eventLoops);
        group =
                !Epoll.isAvailable()
                        ? new NioEventLoopGroup(loops)
                        : busyPoll
                                ? new EpollEventLoopGroup(
                                        loops, () -> (select, hasTasks) -> SelectStrategy.BUSY_WAIT)
                                : new EpollEventLoopGroup(loops);
        if (idempotencyKeys && target == Target.ETCD) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this), "--idempotency-keys is for MiniKV");
        }
        if (ttlSeconds < 0 || (ttlSeconds > 0 && target == Target.ETCD)) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this),
                    ttlSeconds < 0
                            ? "--ttl must be 0 or more seconds"
                            : "--ttl is for MiniKV; etcd needs leases, which the tool does not"
                                    + " drive");
        }
        bases = Arrays.stream(url.split(",")).map(String::trim).map(URI::create).toList();
        if (token != null && !token.isBlank()) {
            authorization = "Authorization: Bearer " + token.trim() + "\r\n";
        }
        value = new byte[valueSize];
        ThreadLocalRandom.current().nextBytes(value);
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) ('a' + (value[i] & 15));
        }
        valueBase64 = Base64.getEncoder().encodeToString(value);
        try {
            connect();
            group.scheduleAtFixedRate(this::expire, 1, 1, TimeUnit.SECONDS);
            if (preload) {
                Run p = run(0, 1.0, keys);
                System.out.printf(
                        Locale.ROOT,
                        "preloaded %d keys in %.1f s (%d errors)%n",
                        keys,
                        p.seconds,
                        p.errors.get());
            }
            if (warmupSeconds > 0) {
                run(warmupSeconds, readRatio, 0);
            }
            GcTotals before = GcTotals.now();
            Run r = run(durationSeconds, readRatio, 0);
            r.report();
            GcTotals gc = GcTotals.now().minus(before);
            // The tool's own pauses show as latency of every request due meanwhile; say so.
            System.out.printf(
                    Locale.ROOT,
                    "client gc %d collections, %d ms%n",
                    gc.collections(),
                    gc.millis());
            return r.errors.get() > r.ops.get() / 100 ? 1 : 0;
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }

    /** Opens {@code concurrency} connections, spread over the URLs and the event loops. */
    private void connect() throws InterruptedException {
        for (int i = 0; i < concurrency; i++) {
            URI base = bases.get(i % bases.size());
            LoadConnection c = new LoadConnection(base.getHost(), base.getPort());
            var f = LoadConnection.open(group, base.getHost(), base.getPort(), c).await();
            if (!f.isSuccess()) {
                throw new IllegalStateException("cannot connect to " + base, f.cause());
            }
            byLoop.computeIfAbsent(c.eventLoop(), l -> new ArrayList<>()).add(c);
        }
    }

    private void expire() {
        for (var e : byLoop.entrySet()) {
            e.getKey()
                    .execute(
                            () -> {
                                long now = System.nanoTime();
                                e.getValue().forEach(c -> c.expire(now, REQUEST_TIMEOUT_NANOS));
                            });
        }
    }

    /** Collections and collection time of this JVM so far, over all collectors. */
    record GcTotals(long collections, long millis) {
        static GcTotals now() {
            long n = 0;
            long ms = 0;
            for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                n += Math.max(0, gc.getCollectionCount());
                ms += Math.max(0, gc.getCollectionTime());
            }
            return new GcTotals(n, ms);
        }

        GcTotals minus(GcTotals earlier) {
            return new GcTotals(collections - earlier.collections, millis - earlier.millis);
        }
    }

    /** Results of one phase. */
    final class Run {
        final AtomicLong ops = new AtomicLong();
        final AtomicLong errors = new AtomicLong();

        /** Errors by operation and status ("write 503"; "read no answer" for a failed call). */
        final java.util.concurrent.ConcurrentMap<String, AtomicLong> errorKinds =
                new java.util.concurrent.ConcurrentSkipListMap<>();

        final LatencyLog reads = new LatencyLog();
        final LatencyLog writes = new LatencyLog();
        double seconds;

        /** Counts one answered request; its latency runs from {@code startNanos}. */
        void record(boolean read, int status, long startNanos) {
            long latency = System.nanoTime() - startNanos;
            if (status > 0 && (status < 400 || read && status == 404)) {
                ops.incrementAndGet();
                (read ? reads : writes).add(latency);
            } else {
                errors.incrementAndGet();
                String kind = (read ? "read " : "write ") + (status > 0 ? status : "no answer");
                errorKinds.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
            }
        }

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
            if (!errorKinds.isEmpty()) {
                StringBuilder kinds = new StringBuilder("errors by kind:");
                errorKinds.forEach(
                        (kind, n) -> kinds.append(' ').append(kind).append(" x").append(n));
                System.out.println(kinds);
            }
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
    private Run run(int seconds, double readFraction, int fixedOps) throws InterruptedException {
        Run r = new Run();
        long start = System.nanoTime();
        long end = fixedOps > 0 ? Long.MAX_VALUE : start + TimeUnit.SECONDS.toNanos(seconds);
        if (rate > 0 && fixedOps == 0) {
            new OpenLoop(r, start, end, readFraction).run();
        } else {
            new ClosedLoop(r, end, readFraction, fixedOps).run();
        }
        r.seconds = (System.nanoTime() - start) / 1e9;
        return r;
    }

    /** Every connection sends its next request as soon as the previous one is answered. */
    private final class ClosedLoop {
        private final Run r;
        private final long end;
        private final double readFraction;
        private final int fixedOps;
        private final AtomicLong nextKey = new AtomicLong();
        private final CountDownLatch done = new CountDownLatch(concurrency);

        ClosedLoop(Run r, long end, double readFraction, int fixedOps) {
            this.r = r;
            this.end = end;
            this.readFraction = readFraction;
            this.fixedOps = fixedOps;
        }

        void run() throws InterruptedException {
            byLoop.forEach(
                    (loop, connections) -> connections.forEach(c -> loop.execute(() -> next(c))));
            done.await();
        }

        private void next(LoadConnection c) {
            long start = System.nanoTime();
            if (start >= end) {
                done.countDown();
                return;
            }
            long k;
            boolean read;
            if (fixedOps > 0) {
                k = nextKey.getAndIncrement();
                if (k >= fixedOps) {
                    done.countDown();
                    return;
                }
                read = false;
            } else {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                k = rnd.nextInt(keys);
                read = rnd.nextDouble() < readFraction;
            }
            c.send(
                    request(c, keyName(k), read),
                    (status, error) -> {
                        r.record(read, status, start);
                        if (error != null && !c.isOpen()) {
                            done.countDown(); // a dead connection leaves the run
                        } else {
                            next(c);
                        }
                    });
        }
    }

    /**
     * Open loop: request {@code i} is due at {@code start + i/rate}. Each event loop paces its own
     * share of the requests with its own nanosecond timer (native epoll), so no other thread wakes
     * it per request; a due request goes out on a free connection of that event loop or waits for
     * one. Latency counts from the due time, so a stalled server shows as latency, not as fewer
     * requests.
     */
    private final class OpenLoop {
        private final Run r;
        private final long start;
        private final long end;
        private final double readFraction;
        private final List<Lane> lanes = new ArrayList<>();
        private final CountDownLatch drained;

        OpenLoop(Run r, long start, long end, double readFraction) {
            this.r = r;
            this.start = start;
            this.end = end;
            this.readFraction = readFraction;
            int i = 0;
            for (var e : byLoop.entrySet()) {
                lanes.add(new Lane(e.getKey(), e.getValue(), i++, byLoop.size()));
            }
            drained = new CountDownLatch(lanes.size());
        }

        void run() throws InterruptedException {
            lanes.forEach(lane -> lane.loop.execute(lane::tick));
            drained.await();
        }

        /** One event loop's share of the requests and its connections; touched only on it. */
        private final class Lane {
            private final EventLoop loop;
            private final ArrayDeque<LoadConnection> idle;
            private int live;
            private final ArrayDeque<Long> queued = new ArrayDeque<>();
            private final int stride;
            private long nextIndex;
            private boolean paced;

            Lane(EventLoop loop, List<LoadConnection> connections, int first, int stride) {
                this.loop = loop;
                this.idle = new ArrayDeque<>(connections);
                this.live = connections.size();
                this.nextIndex = first;
                this.stride = stride;
            }

            private long due(long index) {
                return start + (long) (index * 1e9 / rate);
            }

            /** Sends every request due by now, then sleeps until the next one is due. */
            void tick() {
                long now = System.nanoTime();
                long due;
                while ((due = due(nextIndex)) <= now && due < end) {
                    LoadConnection c = idle.poll();
                    if (c == null && live == 0) {
                        r.errors.incrementAndGet();
                    } else if (c == null) {
                        queued.add(due);
                    } else {
                        send(c, due);
                    }
                    nextIndex += stride;
                }
                if (due >= end) {
                    paced = true;
                    finishIfIdle();
                    return;
                }
                loop.schedule(this::tick, due - now, TimeUnit.NANOSECONDS);
            }

            private void send(LoadConnection c, long due) {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                boolean read = rnd.nextDouble() < readFraction;
                c.send(
                        request(c, keyName(rnd.nextInt(keys)), read),
                        (status, error) -> {
                            r.record(read, status, due);
                            if (!c.isOpen()) {
                                live--; // the server closed it: the run goes on without it
                                if (live == 0) {
                                    r.errors.addAndGet(queued.size());
                                    queued.clear();
                                }
                            } else if (!queued.isEmpty()) {
                                send(c, queued.poll());
                                return;
                            } else {
                                idle.add(c);
                            }
                            finishIfIdle();
                        });
            }

            private void finishIfIdle() {
                if (paced && queued.isEmpty() && idle.size() == live) {
                    paced = false;
                    drained.countDown();
                }
            }
        }
    }

    private static String keyName(long k) {
        return String.format(Locale.ROOT, "key%08d", k);
    }

    /** The whole HTTP/1.1 request for one read or write of {@code key}. */
    private byte[] request(LoadConnection c, String key, boolean read) {
        String host = c.hostHeader();
        return switch (target) {
            case MINIKV -> {
                String path =
                        "/v1/kv/"
                                + key
                                + (read && stale ? "?consistency=stale" : "")
                                + (!read && ttlSeconds > 0 ? "?ttl=" + ttlSeconds : "");
                if (read) {
                    yield ascii("GET " + path + " HTTP/1.1\r\n" + host + authorization + "\r\n");
                }
                yield withBody(
                        "PUT "
                                + path
                                + " HTTP/1.1\r\n"
                                + host
                                + authorization
                                + (idempotencyKeys
                                        ? "Idempotency-Key: load-"
                                                + RUN_ID
                                                + "-"
                                                + requestIds.incrementAndGet()
                                                + "\r\n"
                                        : ""),
                        "application/octet-stream",
                        value);
            }
            case ETCD -> {
                String k = Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8));
                String json =
                        read
                                ? "{\"key\":\"" + k + "\"}"
                                : "{\"key\":\"" + k + "\",\"value\":\"" + valueBase64 + "\"}";
                yield withBody(
                        "POST " + (read ? "/v3/kv/range" : "/v3/kv/put") + " HTTP/1.1\r\n" + host,
                        "application/json",
                        ascii(json));
            }
        };
    }

    private static byte[] withBody(String head, String contentType, byte[] body) {
        byte[] h =
                ascii(
                        head
                                + "Content-Type: "
                                + contentType
                                + "\r\nContent-Length: "
                                + body.length
                                + "\r\n\r\n");
        byte[] all = Arrays.copyOf(h, h.length + body.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
