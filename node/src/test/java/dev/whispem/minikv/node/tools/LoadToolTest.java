package dev.whispem.minikv.node.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.whispem.minikv.node.testing.StubHttpServer;
import dev.whispem.minikv.node.testing.StubHttpServer.Reply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The load tool's HTTP client and its closed and open loops, against fake servers. */
class LoadToolTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private int load(String url, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--url";
        all[1] = url;
        System.arraycopy(args, 0, all, 2, args.length);
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            return new CommandLine(new LoadTool()).execute(all);
        } finally {
            System.setOut(stdout);
        }
    }

    @Test
    void theStatusAndBodyLengthComeFromTheResponseHead() throws IOException {
        String head = "HTTP/1.1 404 Not Found\r\ncontent-type: text/plain\r\nCONTENT-LENGTH: 17";
        assertThat(LoadConnection.statusOf(head)).isEqualTo(404);
        assertThat(LoadConnection.contentLength(head)).isEqualTo(17);
        assertThat(LoadConnection.contentLength("HTTP/1.1 204 No Content\r\nX: y")).isZero();
    }

    @Test
    void responsesItCannotDelimitAreRefused() {
        assertThatThrownBy(
                        () ->
                                LoadConnection.contentLength(
                                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"))
                .hasMessageContaining("chunked");
        assertThatThrownBy(() -> LoadConnection.contentLength("HTTP/1.1 200 OK\r\nX: y"))
                .hasMessageContaining("without Content-Length");
        assertThatThrownBy(() -> LoadConnection.statusOf("SSH-2.0-OpenSSH"))
                .hasMessageContaining("not an HTTP/1.x response");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void anOpenLoopSendsExactlyRateTimesDurationRequests(boolean busyPoll) throws Exception {
        try (StubHttpServer server =
                StubHttpServer.start((method, path, auth, body) -> Reply.of(200, "ok"))) {
            int exit =
                    load(
                            server.uri().toString(),
                            "--busy-poll=" + busyPoll,
                            "--rate",
                            "150",
                            "--duration",
                            "1",
                            "--warmup",
                            "0",
                            "--concurrency",
                            "4",
                            "--read-ratio",
                            "0.5");
            assertThat(exit).isZero();
            // Request i is due at i/rate; those due within the second are sent, no more.
            assertThat(server.requests()).hasSize(150);
            assertThat(out.toString(StandardCharsets.UTF_8))
                    .contains("rate=150", "errors 0")
                    .containsPattern("client gc \\d+ collections, \\d+ ms");
        }
    }

    @Test
    void aClosedLoopCountsEveryAnswerAndReadsTheBodies() throws Exception {
        try (StubHttpServer server =
                StubHttpServer.start(
                        (method, path, auth, body) ->
                                method.equals("PUT") && body.length != 100
                                        ? Reply.of(400, "wrong body")
                                        : Reply.of(200, "x".repeat(3000)))) {
            int exit =
                    load(
                            server.uri().toString(),
                            "--preload",
                            "--keys",
                            "20",
                            "--duration",
                            "1",
                            "--warmup",
                            "0",
                            "--concurrency",
                            "3");
            assertThat(exit).isZero();
            assertThat(server.lines()).contains("PUT /v1/kv/key00000019 <none>");
            assertThat(out.toString(StandardCharsets.UTF_8))
                    .contains("preloaded 20 keys", "errors 0");
        }
    }

    /** 40 requests, half reads, at a server answering 200, with {@code option} added. */
    private void fortyMixedRequests(StubHttpServer server, String... option) {
        String[] args = {
            "--read-ratio",
            "0.5",
            "--duration",
            "1",
            "--warmup",
            "0",
            "--rate",
            "40",
            "--concurrency",
            "2"
        };
        String[] all = java.util.Arrays.copyOf(option, option.length + args.length);
        System.arraycopy(args, 0, all, option.length, args.length);
        assertThat(load(server.uri().toString(), all)).isZero();
        assertThat(server.requests()).hasSize(40);
    }

    @Test
    void writesCarryTheTtlAndReadsDoNot() throws Exception {
        try (StubHttpServer server =
                StubHttpServer.start((method, path, auth, body) -> Reply.of(200, "ok"))) {
            fortyMixedRequests(server, "--ttl", "30");
            java.util.List<StubHttpServer.Request> requests = server.requests();
            java.util.List<String> queries = server.queries();
            for (int i = 0; i < requests.size(); i++) {
                assertThat(queries.get(i))
                        .isEqualTo(requests.get(i).method().equals("PUT") ? "ttl=30" : "null");
            }
        }
    }

    @Test
    void withIdempotencyKeysEveryWriteHasItsOwn() throws Exception {
        try (StubHttpServer server =
                StubHttpServer.start((method, path, auth, body) -> Reply.of(200, "ok"))) {
            fortyMixedRequests(server, "--idempotency-keys");
            java.util.List<StubHttpServer.Request> requests = server.requests();
            java.util.List<String> keys = server.idempotencyKeys();
            java.util.Set<String> writeKeys = new java.util.HashSet<>();
            for (int i = 0; i < requests.size(); i++) {
                if (requests.get(i).method().equals("PUT")) {
                    assertThat(keys.get(i)).startsWith("load-");
                    assertThat(writeKeys.add(keys.get(i))).as("unique " + keys.get(i)).isTrue();
                } else {
                    assertThat(keys.get(i)).isEqualTo("null");
                }
            }
            assertThat(writeKeys).isNotEmpty();
        }
    }

    @Test
    void aTtlForEtcdIsRefused() {
        int exit = load("http://127.0.0.1:1", "--target", "ETCD", "--ttl", "5");
        assertThat(exit).isEqualTo(2);
    }

    @Test
    void aServerAnsweringChunkedEndsTheRunWithErrors() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon().start(() -> answerChunked(listener));
            int exit =
                    load(
                            "http://127.0.0.1:" + listener.getLocalPort(),
                            "--duration",
                            "1",
                            "--warmup",
                            "0",
                            "--concurrency",
                            "2");
            assertThat(exit).isEqualTo(1);
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("errors 2");
        }
    }

    private static void answerChunked(ServerSocket listener) {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                Thread.ofPlatform()
                        .daemon()
                        .start(
                                () -> {
                                    try (s;
                                            InputStream in = s.getInputStream();
                                            OutputStream o = s.getOutputStream()) {
                                        in.read(new byte[4096]);
                                        o.write(
                                                ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"
                                                                + "\r\n\r\n0\r\n\r\n")
                                                        .getBytes(StandardCharsets.US_ASCII));
                                        o.flush();
                                        in.read(new byte[4096]); // until the client hangs up
                                    } catch (IOException e) {
                                        // the client closed first
                                    }
                                });
            } catch (IOException e) {
                return;
            }
        }
    }
}
