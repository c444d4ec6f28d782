package dev.whispem.minikv.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.whispem.minikv.node.storage.DataKey;
import dev.whispem.minikv.node.storage.KvStore;
import dev.whispem.minikv.node.storage.RocksKvStore;
import dev.whispem.minikv.node.storage.StorageConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three replicas in one JVM with static peers and a snapshot every few entries: logs are purged, a
 * restarted replica loads its snapshot, and a replica that missed the purged entries installs the
 * group's state from the leader over HTTP.
 */
class RatisSnapshotTest {

    private static final int GROUPS = 2;
    private static final long EVERY = 20;

    private static final StorageConfig STORAGE =
            new StorageConfig() {
                public Backend backend() {
                    return Backend.ROCKSDB;
                }

                public Compression compression() {
                    return Compression.LZ4;
                }

                public int bloomBitsPerKey() {
                    return 10;
                }

                public long blockCacheBytes() {
                    return 8 << 20;
                }

                public long writeBufferBytes() {
                    return 4 << 20;
                }
            };

    @TempDir Path dir;

    private final List<Node> nodes = new ArrayList<>();

    private final class Node implements AutoCloseable {
        final String id;
        final int raftPort;
        final int httpPort;
        final List<String> peers;
        final List<String> peerHttp;
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
                                                    (n, nanos) -> {},
                                                    null);
                                    started.complete(null);
                                } catch (Throwable e) {
                                    started.completeExceptionally(e);
                                }
                            },
                            "start-" + id);
            t.setContextClassLoader(RatisSnapshotTest.class.getClassLoader());
            t.start();
            starting = t;
            return started;
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

    private static RaftConfig config(Node n) {
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
                return 1;
            }

            public long snapshotEveryEntries() {
                return EVERY;
            }

            public int logSegmentSizeKib() {
                return 8;
            }

            public Optional<List<String>> peerHttp() {
                return Optional.of(n.peerHttp);
            }
        };
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @AfterEach
    void stop() {
        nodes.forEach(Node::close);
    }

    private static DataKey key(int i) {
        // Group 0 holds the even shards; spread keys over them.
        return new DataKey((2 * i) % 256, "t", ("k" + i).getBytes(StandardCharsets.UTF_8));
    }

    private static Command put(int i, String v) {
        return new Command.Put(key(i), v.getBytes(StandardCharsets.UTF_8), 0, Precondition.NONE);
    }

    private static void write(RatisReplicator r, int from, int to, String prefix) throws Exception {
        for (int i = from; i < to; i++) {
            Outcome o = r.submit(0, put(i, prefix + i)).get(30, TimeUnit.SECONDS);
            assertThat(o).isInstanceOf(Outcome.Written.class);
        }
    }

    private static long segmentFiles(Path raftDir) throws IOException {
        try (Stream<Path> s = Files.walk(raftDir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("log_")).count();
        }
    }

    private static List<Path> markers(Path raftDir) throws IOException {
        try (Stream<Path> s = Files.walk(raftDir)) {
            return s.filter(p -> p.getFileName().toString().matches("snapshot\\.\\d+_\\d+"))
                    .toList();
        }
    }

    private static long logBytes(Path raftDir) throws IOException {
        try (Stream<Path> s = Files.walk(raftDir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("log_"))
                    .mapToLong(
                            p -> {
                                try {
                                    return Files.size(p);
                                } catch (IOException e) {
                                    return 0;
                                }
                            })
                    .sum();
        }
    }

    private static void await(String what, java.util.function.BooleanSupplier done)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not happen in time");
            }
            Thread.sleep(100);
        }
    }

    private RatisReplicator leaderOf0() throws InterruptedException {
        await(
                "a leader of group 0",
                () ->
                        nodes.stream()
                                .anyMatch(n -> n.replicator != null && n.replicator.isLeader(0)));
        return nodes.stream()
                .filter(n -> n.replicator != null && n.replicator.isLeader(0))
                .findFirst()
                .orElseThrow()
                .replicator;
    }

    @Test
    void logsArePurgedAndALaggingReplicaInstallsTheLeadersState() throws Exception {
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
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (Node n : nodes) {
            starts.add(n.start());
        }
        CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        write(leaderOf0(), 0, 50, "a");
        // The follower that will lag: stopped, then everything it would need is purged.
        Node lagging =
                nodes.stream().filter(n -> !n.replicator.isLeader(0)).findFirst().orElseThrow();
        await(
                "the lagging replica caught up",
                () -> lagging.replicator.stateMachine(0).revision() == 50);
        lagging.close();

        RatisReplicator leader = leaderOf0();
        long before =
                logBytes(
                        nodes.stream()
                                .filter(n -> n.replicator == leader)
                                .findFirst()
                                .orElseThrow()
                                .raftDir());
        write(leader, 0, 400, "b");
        Node leaderNode =
                nodes.stream().filter(n -> n.replicator == leader).findFirst().orElseThrow();
        await(
                "the leader took snapshots",
                () -> {
                    try {
                        return !markers(leaderNode.raftDir()).isEmpty();
                    } catch (IOException e) {
                        return false;
                    }
                });
        long firstIndex =
                leader.server()
                        .getDivision(RatisReplicator.groupId(0))
                        .getRaftLog()
                        .getStartIndex();
        System.out.printf(
                "leader log of group 0: starts at index %d after 450 writes, %d segment files,"
                        + " %d bytes of log (was %d after 50 writes); snapshot markers %s%n",
                firstIndex,
                segmentFiles(leaderNode.raftDir()),
                logBytes(leaderNode.raftDir()),
                before,
                markers(leaderNode.raftDir()).stream().map(p -> p.getFileName()).toList());
        assertThat(firstIndex).as("the log was purged").isGreaterThan(60);
        // Two are kept; a third exists between writing the next one and the cleanup after it.
        assertThat(markers(leaderNode.raftDir())).hasSizeLessThanOrEqualTo(3);

        // The lagging replica comes back behind the purged log: it must install the snapshot.
        lagging.start().get(60, TimeUnit.SECONDS);
        await(
                "the lagging replica installed the leader's state",
                () -> lagging.replicator.stateMachine(0).revision() >= 450);
        write(leaderOf0(), 400, 410, "c");
        await(
                "the lagging replica applies entries after the snapshot",
                () -> lagging.replicator.stateMachine(0).revision() == 460);
        for (int i = 0; i < 410; i++) {
            String expected = (i < 400 ? "b" : "c") + i;
            assertThat(
                            new String(
                                    lagging.store.get(key(i)).orElseThrow().value(),
                                    StandardCharsets.UTF_8))
                    .isEqualTo(expected);
        }
        assertThat(markers(lagging.raftDir())).isNotEmpty();

        // Restarting every replica loads the snapshots and replays only the log after them.
        for (Node n : nodes) {
            n.close();
        }
        starts.clear();
        for (Node n : nodes) {
            starts.add(n.start());
        }
        CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        write(leaderOf0(), 410, 420, "d");
        for (Node n : nodes) {
            await(
                    n.id + " caught up after restart",
                    () -> n.replicator.stateMachine(0).revision() == 470);
            assertThat(
                            new String(
                                    n.store.get(key(5)).orElseThrow().value(),
                                    StandardCharsets.UTF_8))
                    .isEqualTo("b5");
            assertThat(
                            new String(
                                    n.store.get(key(415)).orElseThrow().value(),
                                    StandardCharsets.UTF_8))
                    .isEqualTo("d415");
        }
    }
}
