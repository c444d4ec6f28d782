package dev.whispem.e2e.containers;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ContainerNetwork;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.lifecycle.Startables;

/**
 * A replicated MiniKV cluster of node containers on a Docker network of its own, with the faults a
 * real deployment meets: a process killed, a node frozen, a node cut off the network, a restart.
 * Host ports change when a container restarts, so addresses are looked up, not remembered.
 */
final class NodeCluster implements AutoCloseable {

    private static final int HTTP = 8080;
    private static final int RAFT = 9870;

    /**
     * Addresses are not pinned: a node killed and started again, or reconnected after a partition,
     * usually comes back with a new IP under the same name, as a restarted pod does, and the other
     * members must reach it there (docs/decisions/0105-raft-transport-reconnection.md).
     */
    private final Network network = Network.newNetwork();

    private final List<GenericContainer<?>> nodes = new ArrayList<>();
    private final Map<Integer, Integer> hostPorts = new ConcurrentHashMap<>();
    private final DockerClient docker;

    NodeCluster(int size) {
        String peers =
                IntStream.rangeClosed(1, size)
                        .mapToObj(i -> "n" + i + "=" + alias(i - 1) + ":" + RAFT)
                        .collect(Collectors.joining(","));
        for (int i = 0; i < size; i++) {
            nodes.add(
                    new GenericContainer<>(LocalImages.require(LocalImages.NODE))
                            .withNetwork(network)
                            .withNetworkAliases(alias(i))
                            .withExposedPorts(HTTP)
                            .withTmpFs(Map.of("/tmp", "rw,exec,size=256m"))
                            .withEnv("MINIKV_ROLE", "volume")
                            .withEnv("MINIKV_REPLICATION_ENGINE", "ratis")
                            .withEnv("MINIKV_RAFT_NODE_ID", "n" + (i + 1))
                            .withEnv("MINIKV_RAFT_HOST", alias(i))
                            .withEnv("MINIKV_RAFT_PORT", String.valueOf(RAFT))
                            .withEnv("MINIKV_RAFT_PEERS", peers)
                            // A 2-core CI machine running three JVMs: avoid needless elections.
                            .withEnv("MINIKV_RAFT_ELECTION_TIMEOUT_MIN_MILLIS", "2000")
                            .withEnv("MINIKV_RAFT_ELECTION_TIMEOUT_MAX_MILLIS", "4000")
                            .withEnv("JAVA_TOOL_OPTIONS", "-Xmx384m -XX:+UseSerialGC")
                            .waitingFor(
                                    Wait.forHttp("/q/health/ready")
                                            .forStatusCode(200)
                                            .withStartupTimeout(Duration.ofMinutes(4))));
        }
        docker = nodes.get(0).getDockerClient();
    }

    static String alias(int index) {
        return "node" + (index + 1);
    }

    int size() {
        return nodes.size();
    }

    /** Starts every node at once: none becomes ready before a quorum is up. */
    void start() {
        Startables.deepStart(nodes).join();
        for (int i = 0; i < nodes.size(); i++) {
            refreshPort(i);
        }
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

    void pause(int index) {
        docker.pauseContainerCmd(id(index)).exec();
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
                .withContainerNetwork(new ContainerNetwork().withAliases(alias(index)))
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
