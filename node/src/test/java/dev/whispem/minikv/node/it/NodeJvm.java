package dev.whispem.minikv.node.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One MiniKV node as its own JVM, started from the packaged fast-jar of this module. */
final class NodeJvm implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

    final String name;
    final int httpPort;
    private final Path dataDir;
    private final Path log;
    private final Map<String, String> properties;
    private Process process;

    NodeJvm(String name, Path dataDir, int httpPort, Map<String, String> properties) {
        this.name = name;
        this.dataDir = dataDir;
        this.log = dataDir.resolveSibling(name + ".log");
        this.httpPort = httpPort;
        this.properties = properties;
    }

    /**
     * The properties of a member of a coordinator/volume cluster whose bootstrap coordinator is c1;
     * callers add their own. Mutable.
     */
    static java.util.Map<String, String> clusterMember(
            String name,
            String role,
            int groups,
            int raftPort,
            String coordinators,
            int replicationFactor) {
        java.util.Map<String, String> props = new java.util.HashMap<>();
        props.put("minikv.role", role);
        props.put("minikv.replication.groups", Integer.toString(groups));
        props.put("minikv.raft.node-id", name);
        props.put("minikv.raft.port", Integer.toString(raftPort));
        props.put("minikv.cluster.coordinators", coordinators);
        props.put("minikv.cluster.bootstrap-coordinator", "c1");
        props.put("minikv.cluster.replication-factor", Integer.toString(replicationFactor));
        return props;
    }

    static int freePort() throws IOException {
        return dev.whispem.minikv.node.testing.FreePorts.next();
    }

    static Path jar() {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " missing: integration tests run after package");
        }
        return jar;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + httpPort + path);
    }

    void start() throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-Xmx512m");
        cmd.add("-Dquarkus.http.port=" + httpPort);
        cmd.add("-Dquarkus.http.host=127.0.0.1");
        cmd.add("-Dminikv.data-dir=" + dataDir);
        properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(jar().toString());
        process =
                new ProcessBuilder(cmd)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
    }

    void awaitReady() throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited; log:\n" + Files.readString(log));
            }
            try {
                var r =
                        client.send(
                                HttpRequest.newBuilder(uri("/q/health/ready"))
                                        .timeout(Duration.ofSeconds(5))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(
                name + " not ready in time; log:\n" + Files.readString(log));
    }

    /** SIGKILL: no shutdown hook runs, like a crash. */
    void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /**
     * The last {@code max} lines of this node's log that match {@code worth}, each prefixed with
     * the node's name and cut at 300 characters; empty when there is no log yet.
     */
    List<String> logLines(java.util.regex.Pattern worth, int max) throws IOException {
        if (!Files.exists(log)) {
            return List.of();
        }
        // Logs of killed processes can hold NUL bytes where a write was cut off.
        String text = Files.readString(log, java.nio.charset.StandardCharsets.ISO_8859_1);
        List<String> out = new ArrayList<>();
        for (String line : text.replace("\0", "").split("\n")) {
            if (worth.matcher(line).find()) {
                out.add("[" + name + "] " + (line.length() > 300 ? line.substring(0, 300) : line));
            }
        }
        return out.subList(Math.max(0, out.size() - max), out.size());
    }

    /**
     * Closes every node, then copies each node's log into {@code keep} (created if missing) as
     * {@code <name>.log}: the temporary directory the logs are in goes away with the test.
     */
    static void closeAndKeepLogs(Collection<NodeJvm> nodes, Path keep)
            throws IOException, InterruptedException {
        for (NodeJvm n : nodes) {
            n.close();
        }
        Files.createDirectories(keep);
        for (NodeJvm n : nodes) {
            if (Files.exists(n.log)) {
                Files.copy(
                        n.log, keep.resolve(n.name + ".log"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
