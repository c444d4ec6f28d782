package dev.whispem.e2e;

import java.io.IOException;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A MiniKV node started as its own JVM from the packaged fast-jar, the way a user runs it. Tests
 * talk to it over loopback HTTP and may kill it with SIGKILL to check durability.
 */
final class NodeProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    /** What Quarkus logs once its HTTP server is bound, with the port it got. */
    private static final Pattern LISTENING =
            Pattern.compile("Listening on: http://[^\\s:]+:(\\d+)");

    private final Path dataDir;
    private final Path log;
    private final Map<String, String> extraProperties;
    private Process process;

    /** The port of the running process; each start binds a new one. */
    private volatile int port = -1;

    NodeProcess(Path dataDir, Path log, Map<String, String> extraProperties) {
        this.dataDir = dataDir;
        this.log = log;
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
        if (port < 0) {
            throw new IllegalStateException("the node is not listening yet");
        }
        return URI.create("http://127.0.0.1:" + port + path);
    }

    void start() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        // The node binds a port the kernel picks and logs it: a port chosen here and bound later
        // could be taken in between by any outgoing connection.
        command.add("-Dquarkus.http.port=0");
        command.add("-Dquarkus.http.host=127.0.0.1");
        command.add("-Dminikv.data-dir=" + dataDir);
        extraProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(nodeJar().toString());
        port = -1;
        long logStart = Files.exists(log) ? Files.size(log) : 0;
        process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
        awaitReady(logStart);
    }

    /** Kills the JVM without letting it run shutdown hooks, like a power cut of the process. */
    void killHard() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    private void awaitReady(long logStart) throws InterruptedException, IOException {
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
            if (port < 0) {
                port = listeningPort(logStart);
                if (port < 0) {
                    Thread.sleep(200);
                    continue;
                }
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

    /** The port this start's log reports, or -1 before the node has logged it. */
    private int listeningPort(long logStart) throws IOException {
        byte[] bytes = Files.readAllBytes(log);
        String started =
                new String(
                        bytes,
                        (int) logStart,
                        bytes.length - (int) logStart,
                        java.nio.charset.StandardCharsets.UTF_8);
        Matcher m = LISTENING.matcher(started);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
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
