package dev.whispem.minikv.node.replication;

import com.sun.net.httpserver.HttpServer;
import dev.whispem.minikv.node.storage.DataKey;
import dev.whispem.minikv.node.storage.KvStore;
import dev.whispem.minikv.node.storage.RocksKvStore;
import dev.whispem.minikv.node.storage.StorageConfig;
import dev.whispem.minikv.node.testing.TestStorage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Three Ratis replicas of {@link #GROUPS} shard groups in one JVM, with static peers, RocksDB
 * storage and the snapshot endpoint a lagging replica fetches from.
 */
final class RaftReplicas implements AutoCloseable {

    static final int GROUPS = 2;

    private final Path dir;
    private final long snapshotEvery;
    private final int maxCommandsPerEntry;
    private final boolean forwardToLeader;
    final List<Node> nodes = new ArrayList<>();

    /** minikv.raft.batch-linger-micros of nodes started after it is set. */
    volatile int batchLingerMicros = 2000;

    /** minikv.raft.read-index-from-leader of nodes started after it is set. */
    volatile boolean readIndexFromLeader = true;

    /** minikv.raft.forward-reads of nodes started after it is set. */
    volatile boolean forwardReads = true;

    /**
     * @param snapshotEvery applied entries between snapshots (0: none)
     * @param maxCommandsPerEntry most commands coalesced into one log entry
     * @param forwardToLeader whether a follower hands its commands to the leader
     */
    RaftReplicas(Path dir, long snapshotEvery, int maxCommandsPerEntry, boolean forwardToLeader)
            throws IOException {
        this.dir = dir;
        this.snapshotEvery = snapshotEvery;
        this.maxCommandsPerEntry = maxCommandsPerEntry;
        this.forwardToLeader = forwardToLeader;
        List<Integer> raft = List.of(freePort(), freePort(), freePort());
        List<Integer> httpPorts = List.of(freePort(), freePort(), freePort());
        List<String> peers = new ArrayList<>();
        List<String> peerHttp = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            peers.add("n" + i + "=127.0.0.1:" + raft.get(i));
            peerHttp.add("n" + i + "=127.0.0.1:" + httpPorts.get(i));
        }
        for (int i = 0; i < 3; i++) {
            nodes.add(new Node("n" + i, raft.get(i), httpPorts.get(i), peers, peerHttp));
        }
    }

    /**
     * Adds a fourth node that hosts no group and is no group's member, as a coordinator is none
     * (not started). It knows where a group's members are once told ({@link
     * RatisReplicator#setPeers}).
     */
    Node addOutsider() throws IOException {
        int raft = freePort();
        int httpPort = freePort();
        List<String> peers = new ArrayList<>(nodes.get(0).peers);
        peers.add("n3=127.0.0.1:" + raft);
        List<String> peerHttp = new ArrayList<>(nodes.get(0).peerHttp);
        peerHttp.add("n3=127.0.0.1:" + httpPort);
        Node outsider = new Node("n3", raft, httpPort, peers, peerHttp);
        outsider.hostAll = false;
        nodes.add(outsider);
        return outsider;
    }

    /**
     * Key {@code i} of tenant "t" in group 0, which holds the even shards: keys spread over them.
     */
    static DataKey keyInGroup0(int i) {
        return new DataKey((2 * i) % 256, "t", ("k" + i).getBytes(StandardCharsets.UTF_8));
    }

    /** Starts every replica (in parallel: a quorum is needed before any start returns). */
    void startAll() throws Exception {
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (Node n : nodes) {
            starts.add(n.start());
        }
        CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }

    void closeAll() {
        nodes.forEach(Node::close);
    }

    @Override
    public void close() {
        closeAll();
    }

    static void await(String what, java.util.function.BooleanSupplier done)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not happen in time");
            }
            Thread.sleep(100);
        }
    }

    /** The running replica leading {@code group}, once there is one. */
    Node leaderOf(int group) throws InterruptedException {
        await(
                "a leader of group " + group,
                () ->
                        nodes.stream()
                                .anyMatch(
                                        n -> n.replicator != null && n.replicator.isLeader(group)));
        return nodes.stream()
                .filter(n -> n.replicator != null && n.replicator.isLeader(group))
                .findFirst()
                .orElseThrow();
    }

    /**
     * The leader of {@code group} and a follower that knows it. Leadership may move while replicas
     * start on a busy machine, so both are chosen again until they agree.
     */
    Node[] leaderAndFollower(int group) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Node leader = leaderOf(group);
            for (Node n : nodes) {
                if (n != leader
                        && leader.id.equals(n.replicator.groupStatus().get(group).leader())) {
                    return new Node[] {leader, n};
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no follower of group " + group + " knows its leader");
            }
            Thread.sleep(100);
        }
    }

    private static final StorageConfig STORAGE = TestStorage.rocks(StorageConfig.Compression.LZ4);

    final class Node implements AutoCloseable {
        final String id;
        final int raftPort;
        final int httpPort;
        final List<String> peers;
        final List<String> peerHttp;
        final AtomicLong entries = new AtomicLong();
        final AtomicLong commands = new AtomicLong();
        final AtomicLong readRoundsFromLeader = new AtomicLong();
        final AtomicLong ratisReadRounds = new AtomicLong();
        final AtomicLong forwardedReadBatches = new AtomicLong();
        final AtomicLong forwardedReads = new AtomicLong();
        final AtomicLong resentRefused = new AtomicLong();

        /** Entries pending when this node's leadership ended, by what the log made of them. */
        final java.util.Map<EntryFate, AtomicLong> settledAfterStepDown =
                new java.util.concurrent.ConcurrentHashMap<>();

        /** Host every group with the static peers; false: none until the shard map says. */
        boolean hostAll = true;

        KvStore store;
        RatisReplicator replicator;
        HttpServer http;
        Thread starting;

        Node(String id, int raftPort, int httpPort, List<String> peers, List<String> peerHttp) {
            this.id = id;
            this.raftPort = raftPort;
            this.httpPort = httpPort;
            this.peers = peers;
            this.peerHttp = peerHttp;
        }

        Path raftDir() {
            return dir.resolve(id).resolve("raft");
        }

        /** Starts storage, Ratis and the snapshot endpoint (started in parallel: a quorum). */
        CompletableFuture<Void> start() throws IOException {
            store = new RocksKvStore(dir.resolve(id).resolve("rocksdb"), STORAGE);
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", httpPort), 0);
            http.createContext(
                    "/v1/internal/groups/",
                    exchange -> {
                        String[] parts = exchange.getRequestURI().getPath().split("/");
                        int group = Integer.parseInt(parts[4]);
                        exchange.sendResponseHeaders(200, 0);
                        try (OutputStream out = exchange.getResponseBody()) {
                            replicator.exportSnapshot(group, out);
                        } catch (RuntimeException e) {
                            exchange.close();
                        }
                    });
            http.start();
            // A thread of its own with this class loader as context: Ratis loads its server
            // implementation through it, and pool threads may carry a finished Quarkus test's.
            CompletableFuture<Void> started = new CompletableFuture<>();
            Thread t =
                    new Thread(
                            () -> {
                                try {
                                    replicator =
                                            new RatisReplicator(
                                                    store,
                                                    GROUPS,
                                                    raftDir(),
                                                    config(this),
                                                    observer(),
                                                    null,
                                                    hostAll,
                                                    gid -> null);
                                    started.complete(null);
                                } catch (Throwable e) {
                                    started.completeExceptionally(e);
                                }
                            },
                            "start-" + id);
            t.setContextClassLoader(RaftReplicas.class.getClassLoader());
            t.start();
            starting = t;
            return started;
        }

        private CommitObserver observer() {
            return new CommitObserver() {
                @Override
                public void committed(int n, long nanos) {
                    entries.incrementAndGet();
                    commands.addAndGet(n);
                }

                @Override
                public void readRound(boolean fromLeader) {
                    (fromLeader ? readRoundsFromLeader : ratisReadRounds).incrementAndGet();
                }

                @Override
                public void forwardedReads(int reads) {
                    forwardedReadBatches.incrementAndGet();
                    forwardedReads.addAndGet(reads);
                }

                @Override
                public void resentRefused() {
                    resentRefused.incrementAndGet();
                }

                @Override
                public void settledAfterStepDown(EntryFate fate) {
                    settledAfterStepDown
                            .computeIfAbsent(fate, f -> new AtomicLong())
                            .incrementAndGet();
                }
            };
        }

        @Override
        public void close() {
            if (starting != null) {
                try {
                    starting.join(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                starting = null;
            }
            if (replicator != null) {
                replicator.close();
                replicator = null;
            }
            if (http != null) {
                http.stop(0);
                http = null;
            }
            if (store != null) {
                store.close();
                store = null;
            }
        }
    }

    private RaftConfig config(Node n) {
        return new RaftConfig() {
            public String nodeId() {
                return n.id;
            }

            public String host() {
                return "127.0.0.1";
            }

            public Optional<String> bindHost() {
                return Optional.empty();
            }

            public int port() {
                return n.raftPort;
            }

            public Optional<List<String>> peers() {
                return Optional.of(n.peers);
            }

            public int electionTimeoutMinMillis() {
                return 1000;
            }

            @Override
            public boolean leaderLease() {
                return false;
            }

            @Override
            public int electionTimeoutMaxMillis() {
                return 2000;
            }

            public int logWriteBufferKib() {
                return 256;
            }

            public int maxInFlightPerGroup() {
                return 1;
            }

            public int maxCommandsPerEntry() {
                return maxCommandsPerEntry;
            }

            @Override
            public int batchLingerMicros() {
                return batchLingerMicros;
            }

            @Override
            public boolean forwardToLeader() {
                return forwardToLeader;
            }

            @Override
            public boolean readIndexFromLeader() {
                return readIndexFromLeader;
            }

            @Override
            public boolean forwardReads() {
                return forwardReads;
            }

            public long snapshotEveryEntries() {
                return snapshotEvery;
            }

            public int logSegmentSizeKib() {
                return 8;
            }

            public Optional<List<String>> peerHttp() {
                return Optional.of(n.peerHttp);
            }
        };
    }

    static int freePort() throws IOException {
        return dev.whispem.minikv.node.testing.FreePorts.next();
    }
}
