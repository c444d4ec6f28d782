package dev.whispem.e2e.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ContainerNetwork;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.lifecycle.Startables;

/**
 * A MiniKV coordinator/volume cluster of node containers on a Docker network of its own
 * (docs/decisions/0106-coordinator-volume-cluster.md), configured through the environment exactly
 * as the operator configures pods, with the faults a real deployment meets: a process killed, a
 * node frozen, a node cut off the network, a restart.
 *
 * <p>Members are numbered {@code 0 .. size()-1}: the coordinators {@code c1 .. cN} first, then the
 * volume servers {@code v1 .. vM}; the member id is also the container's name on the network. Host
 * ports change when a container restarts, so addresses are looked up, not remembered.
 */
final class NodeCluster implements AutoCloseable {

    private static final int HTTP = 8080;
    private static final int RAFT = 9870;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Addresses are not pinned: a node killed and started again, or reconnected after a partition,
     * usually comes back with a new IP under the same name, as a restarted pod does, and the other
     * members must reach it there (docs/decisions/0105-raft-transport-reconnection.md).
     */
    private final Network network = Network.newNetwork();

    private final int coordinators;
    private final int volumes;
    private final int groups;
    private final List<GenericContainer<?>> nodes = new ArrayList<>();
    private final Map<Integer, Integer> hostPorts = new ConcurrentHashMap<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final DockerClient docker;

    /**
     * @param coordinators members of the metadata group; {@code c1} bootstraps it
     * @param volumes volume servers holding the shard replicas (replication factor 3)
     * @param groups shard groups the 256 shards are packed into
     */
    NodeCluster(int coordinators, int volumes, int groups) {
        this.coordinators = coordinators;
        this.volumes = volumes;
        this.groups = groups;
        String coordinatorService =
                IntStream.rangeClosed(1, coordinators)
                        .mapToObj(i -> "c" + i + ":" + HTTP)
                        .collect(Collectors.joining(","));
        for (int i = 0; i < coordinators + volumes; i++) {
            boolean coordinator = i < coordinators;
            String name = name(i);
            // Six JVMs on a small, busy machine: small heaps, one GC thread, C1 only, and a
            // container limit well above the heap (metaspace, threads, RocksDB, Netty buffers).
            long limitBytes = (coordinator ? 640L : 768L) << 20;
            String heap = coordinator ? "-Xmx224m" : "-Xmx288m";
            GenericContainer<?> node =
                    new GenericContainer<>(LocalImages.require(LocalImages.NODE))
                            .withNetwork(network)
                            .withNetworkAliases(name)
                            .withExposedPorts(HTTP)
                            .withTmpFs(Map.of("/tmp", "rw,exec,size=256m"))
                            // What the operator sets on a pod (docs/node/configuration.md).
                            .withEnv("POD_NAME", name)
                            .withEnv("MINIKV_ROLE", coordinator ? "coordinator" : "volume")
                            .withEnv("MINIKV_ADVERTISE_HOST", name)
                            .withEnv("MINIKV_RAFT_PORT", String.valueOf(RAFT))
                            .withEnv("MINIKV_COORDINATORS_SERVICE", coordinatorService)
                            .withEnv("MINIKV_BOOTSTRAP_COORDINATOR", "c1")
                            .withEnv("MINIKV_REPLICATION_FACTOR", "3")
                            .withEnv("MINIKV_REPLICATION_GROUPS", String.valueOf(groups))
                            .withEnv("MINIKV_STORAGE_BLOCK_CACHE_BYTES", String.valueOf(16 << 20))
                            .withEnv("MINIKV_STORAGE_WRITE_BUFFER_BYTES", String.valueOf(8 << 20))
                            // A 2-core machine running six JVMs: avoid needless elections.
                            .withEnv("MINIKV_RAFT_ELECTION_TIMEOUT_MIN_MILLIS", "2000")
                            .withEnv("MINIKV_RAFT_ELECTION_TIMEOUT_MAX_MILLIS", "4000")
                            .withEnv(
                                    "JAVA_TOOL_OPTIONS",
                                    heap
                                            + " -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
                                            + " -XX:ReservedCodeCacheSize=64m")
                            .withCreateContainerCmdModifier(
                                    cmd ->
                                            cmd.getHostConfig()
                                                    .withMemory(limitBytes)
                                                    .withMemorySwap(limitBytes))
                            // Only c1 can be ready on its own: the other coordinators become
                            // ready once added, volume servers once given their replicas.
                            .waitingFor(
                                    Wait.forHttp(i == 0 ? "/q/health/ready" : "/q/health/live")
                                            .forStatusCode(200)
                                            .withStartupTimeout(Duration.ofMinutes(4)));
            nodes.add(node);
        }
        docker = nodes.get(0).getDockerClient();
    }

    /** {@code c1 .. cN}, then {@code v1 .. vM}. */
    String name(int index) {
        return index < coordinators ? "c" + (index + 1) : "v" + (index - coordinators + 1);
    }

    int index(String name) {
        return IntStream.range(0, size())
                .filter(i -> name(i).equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no member " + name));
    }

    int size() {
        return nodes.size();
    }

    int coordinators() {
        return coordinators;
    }

    int volumes() {
        return volumes;
    }

    int groups() {
        return groups;
    }

    /**
     * Starts every node at once, then does what the operator does: adds the other coordinators to
     * the metadata group one at a time, and waits until the volume servers hold every shard group.
     */
    void start() throws InterruptedException {
        Startables.deepStart(nodes).join();
        for (int i = 0; i < nodes.size(); i++) {
            refreshPort(i);
        }
        for (int c = 1; c < coordinators; c++) {
            String id = name(c);
            awaitTrue(
                    "add coordinator " + id,
                    Duration.ofMinutes(2),
                    () -> send("PUT", 0, "/v1/admin/coordinators/" + id).statusCode() == 200);
        }
        awaitHealthy(Duration.ofMinutes(3));
    }

    /**
     * Waits until every node is ready and the metadata leader reports every coordinator healthy,
     * caught up and voting, every volume server healthy, no move in flight, no under-replicated
     * shard, and a balanced placement. Returns that report.
     */
    JsonNode awaitHealthy(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "nothing yet";
        for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
            try {
                List<String> notReady = new ArrayList<>();
                for (int i = 0; i < size(); i++) {
                    if (send("GET", i, "/q/health/ready").statusCode() != 200) {
                        notReady.add(name(i));
                    }
                }
                // Ask a different node each time: any of them forwards to the leader.
                JsonNode report = clusterReport(attempt % size());
                last = "not ready " + notReady + ", report " + report;
                if (notReady.isEmpty() && healthy(report)) {
                    return report;
                }
            } catch (IOException | RuntimeException notYet) {
                last = notYet.toString();
            }
            Thread.sleep(2000);
        }
        throw new AssertionError("cluster not healthy within " + timeout + ": " + last);
    }

    private boolean healthy(JsonNode report) {
        return report.path("leader").isTextual()
                && count(
                                report.path("coordinators"),
                                c ->
                                        c.path("healthy").asBoolean()
                                                && c.path("caughtUp").asBoolean()
                                                && c.path("voting").asBoolean())
                        == coordinators
                && report.path("coordinators").size() == coordinators
                && count(
                                report.path("volumes"),
                                v ->
                                        v.path("healthy").asBoolean()
                                                && !v.path("draining").asBoolean())
                        == volumes
                && report.path("volumes").size() == volumes
                && report.path("underReplicatedShards").asInt(-1) == 0
                && report.path("movesInFlight").asInt(-1) == 0
                && report.path("balanced").asBoolean(false);
    }

    private static long count(JsonNode array, Predicate<JsonNode> test) {
        long n = 0;
        for (JsonNode element : array) {
            if (test.test(element)) {
                n++;
            }
        }
        return n;
    }

    /** {@code GET /v1/admin/cluster} through the given node (forwarded to the metadata leader). */
    JsonNode clusterReport(int through) throws IOException, InterruptedException {
        HttpResponse<String> r = send("GET", through, "/v1/admin/cluster");
        if (r.statusCode() != 200) {
            throw new IOException(
                    "GET /v1/admin/cluster via "
                            + name(through)
                            + ": "
                            + r.statusCode()
                            + " "
                            + r.body());
        }
        return JSON.readTree(r.body());
    }

    /**
     * The metadata group's leader as reported through the coordinators other than {@code except},
     * waiting up to {@code timeout} for one that is not {@code except}; empty if none showed up.
     * The coordinators are asked at once, each with a short timeout: one that still forwards to a
     * frozen leader hangs, while the new leader answers itself.
     */
    Optional<String> awaitLeaderOtherThan(String except, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<CompletableFuture<HttpResponse<String>>> asks = new ArrayList<>();
            for (int c = 0; c < coordinators; c++) {
                if (!name(c).equals(except)) {
                    asks.add(
                            http.sendAsync(
                                    HttpRequest.newBuilder(uri(c, "/v1/admin/cluster"))
                                            .timeout(Duration.ofSeconds(2))
                                            .GET()
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString()));
                }
            }
            for (var ask : asks) {
                try {
                    HttpResponse<String> r = ask.get();
                    String leader =
                            r.statusCode() == 200
                                    ? JSON.readTree(r.body()).path("leader").asText("")
                                    : "";
                    if (!leader.isEmpty() && !leader.equals(except)) {
                        return Optional.of(leader);
                    }
                } catch (ExecutionException | IOException | RuntimeException notYet) {
                    // no leader yet, or this one cannot say
                }
            }
            Thread.sleep(300);
        }
        return Optional.empty();
    }

    /** The current metadata leader, asked through any coordinator that answers. */
    String metadataLeader(Duration timeout) throws InterruptedException {
        return awaitLeaderOtherThan("", timeout)
                .orElseThrow(() -> new AssertionError("no metadata leader within " + timeout));
    }

    HttpResponse<String> send(String method, int index, String path)
            throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(uri(index, path))
                        .timeout(Duration.ofSeconds(5))
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    URI uri(int index, String path) {
        return URI.create("http://127.0.0.1:" + hostPorts.get(index) + path);
    }

    String id(int index) {
        return nodes.get(index).getContainerId();
    }

    /** SIGKILL: the process gets no chance to flush or hand over anything. */
    void kill(int index) {
        docker.killContainerCmd(id(index)).withSignal("KILL").exec();
    }

    void startAgain(int index) {
        docker.startContainerCmd(id(index)).exec();
        refreshPort(index);
    }

    /**
     * Freezes a container. The kernel's cgroup freezer gives up when a task does not freeze in time
     * (one stuck in an fsync, say) and runc then reports "unable to freeze" and leaves the
     * container running (seen once in CI); a few more tries freeze it.
     */
    void pause(int index) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                docker.pauseContainerCmd(id(index)).exec();
                return;
            } catch (com.github.dockerjava.api.exception.InternalServerErrorException e) {
                if (attempt == 5 || !String.valueOf(e.getMessage()).contains("unable to freeze")) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    void unpause(int index) {
        docker.unpauseContainerCmd(id(index)).exec();
    }

    void disconnect(int index) {
        docker.disconnectFromNetworkCmd()
                .withNetworkId(network.getId())
                .withContainerId(id(index))
                .exec();
    }

    void reconnect(int index) {
        docker.connectToNetworkCmd()
                .withNetworkId(network.getId())
                .withContainerId(id(index))
                .withContainerNetwork(new ContainerNetwork().withAliases(name(index)))
                .exec();
        refreshPort(index);
    }

    /** A graceful restart: SIGTERM (the node hands over leadership), then start. */
    void restart(int index) {
        docker.restartContainerCmd(id(index)).withTimeout(30).exec();
        refreshPort(index);
    }

    private void refreshPort(int index) {
        var bindings =
                docker.inspectContainerCmd(id(index))
                        .exec()
                        .getNetworkSettings()
                        .getPorts()
                        .getBindings();
        bindings.entrySet().stream()
                .filter(e -> e.getKey().getPort() == HTTP && e.getValue() != null)
                .flatMap(e -> Arrays.stream(e.getValue()))
                .map(b -> Integer.parseInt(b.getHostPortSpec()))
                .findFirst()
                .ifPresent(port -> hostPorts.put(index, port));
    }

    String logs(int index) {
        return nodes.get(index).getLogs();
    }

    /** Writes each member's log (every run of its container) to {@code dir/<member>.log}. */
    void saveLogs(Path dir) {
        try {
            Files.createDirectories(dir);
            for (int i = 0; i < size(); i++) {
                Files.writeString(dir.resolve(name(i) + ".log"), logs(i));
            }
        } catch (IOException | RuntimeException unavailable) {
            System.err.println("could not save the node logs: " + unavailable);
        }
    }

    interface Check {
        boolean holds() throws IOException, InterruptedException;
    }

    private static void awaitTrue(String what, Duration timeout, Check check)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                if (check.holds()) {
                    return;
                }
            } catch (IOException | RuntimeException notYet) {
                last = notYet.toString();
            }
            Thread.sleep(500);
        }
        throw new AssertionError(what + ": not done within " + timeout + " " + last);
    }

    @Override
    public void close() {
        for (int i = 0; i < nodes.size(); i++) {
            try {
                unpause(i);
            } catch (RuntimeException notPaused) {
                // only a paused container can be unpaused
            }
            nodes.get(i).stop();
        }
        network.close();
    }
}
