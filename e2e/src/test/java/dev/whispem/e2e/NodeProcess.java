package dev.whispem.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A MiniKV node started as its own JVM from the packaged fast-jar, the way a user runs it. Tests
 * talk to it over loopback HTTP and may kill it with SIGKILL to check durability.
 */
final class NodeProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path dataDir;
    private final Path log;
    private final int port;
    private final Map<String, String> extraProperties;
    private Process process;

    NodeProcess(Path dataDir, Path log, Map<String, String> extraProperties) throws IOException {
        this.dataDir = dataDir;
        this.log = log;
        this.port = freePort();
        this.extraProperties = extraProperties;
    }

    static Path repoRoot() {
        return Path.of(System.getProperty("e2e.repoRoot", "..")).toAbsolutePath().normalize();
    }

    static Path nodeJar() {
        Path jar = repoRoot().resolve("node/target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    jar + " is missing: build the node first (./mvnw -pl node -am package)");
        }
        return jar;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    void start() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-Dquarkus.http.port=" + port);
        command.add("-Dquarkus.http.host=127.0.0.1");
        command.add("-Dminikv.data-dir=" + dataDir);
        extraProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(nodeJar().toString());
        process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
        awaitReady();
    }

    /** Kills the JVM without letting it run shutdown hooks, like a power cut of the process. */
    void killHard() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    private void awaitReady() throws InterruptedException, IOException {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "node exited with "
                                + process.exitValue()
                                + "; log:\n"
                                + Files.readString(log));
            }
            try {
                HttpResponse<Void> r =
                        client.send(
                                HttpRequest.newBuilder(uri("/q/health/ready")).build(),
                                HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYetListening) {
                // the JVM is still starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(
                "node not ready within " + START_TIMEOUT + "; log:\n" + Files.readString(log));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
