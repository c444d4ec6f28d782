package dev.whispem.minikv.node.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whispem.minikv.node.testing.StubHttpServer;
import dev.whispem.minikv.node.testing.StubHttpServer.Reply;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The CLI's writes carry an Idempotency-Key and are sent again with it after a 503. */
class CliWritesTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** A fake node answering {@code first} to the first {@code times} requests, then 200. */
    private static StubHttpServer node(int first, int times) throws Exception {
        AtomicInteger seen = new AtomicInteger();
        return StubHttpServer.start(
                (method, path, auth, body) ->
                        seen.getAndIncrement() < times
                                ? Reply.of(first, "{\"error\":\"X\",\"message\":\"m\"}")
                                : Reply.of(200, "{\"key\":\"k\",\"version\":7}"));
    }

    private int cli(StubHttpServer server, String... args) {
        MinikvCli cli = new MinikvCli();
        cli.out = new PrintStream(out, true, StandardCharsets.UTF_8);
        cli.err = new PrintStream(err, true, StandardCharsets.UTF_8);
        String[] all = new String[args.length + 2];
        all[0] = "--url";
        all[1] = server.uri().toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return new CommandLine(cli).execute(all);
    }

    @Test
    void aWriteAnswered503IsSentAgainWithTheSameKey() throws Exception {
        try (StubHttpServer server = node(503, 2)) {
            assertThat(cli(server, "put", "k", "v")).isZero();

            List<String> keys = server.idempotencyKeys();
            assertThat(keys).hasSize(3).doesNotContain("null");
            assertThat(keys.stream().distinct()).hasSize(1);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("sending again");
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"version\":7");
        }
    }

    @Test
    void retriesAreBoundedAndEachWriteHasItsOwnKey() throws Exception {
        try (StubHttpServer server = node(503, 100)) {
            assertThat(cli(server, "delete", "k", "--retries", "1")).isEqualTo(1);
            assertThat(cli(server, "delete", "k", "--retries", "0")).isEqualTo(1);

            List<String> keys = server.idempotencyKeys();
            assertThat(keys).hasSize(3);
            assertThat(keys.get(0)).isEqualTo(keys.get(1)).isNotEqualTo(keys.get(2));
        }
    }

    @Test
    void aNamedKeyIsSentAsGiven() throws Exception {
        try (StubHttpServer server = node(200, 0)) {
            assertThat(cli(server, "put", "--idempotency-key", "order-42", "k", "v")).isZero();
            assertThat(server.idempotencyKeys()).containsExactly("order-42");
        }
    }

    @Test
    void aNodeWithoutIdempotencyKeysGetsThePlainWrite() throws Exception {
        try (StubHttpServer server = node(501, 1)) {
            assertThat(cli(server, "put", "k", "v")).isZero();
            assertThat(server.idempotencyKeys()).hasSize(2).last().isEqualTo("null");
        }
        try (StubHttpServer server = node(501, 1)) {
            // A key the user named is a guarantee they asked for: not dropped.
            assertThat(cli(server, "put", "--idempotency-key", "order-42", "k", "v")).isEqualTo(1);
            assertThat(server.idempotencyKeys()).containsExactly("order-42");
        }
    }
}
