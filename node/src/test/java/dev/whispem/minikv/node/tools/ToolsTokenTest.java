package dev.whispem.minikv.node.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.whispem.minikv.node.testing.StubHttpServer;
import dev.whispem.minikv.node.testing.StubHttpServer.Reply;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The {@code minikv} CLI and the load tool send {@code --token} as a bearer token, and the CLI
 * explains a 401 or 403. The fake node answers like AuthFilter: 401 without a known token, 403 for
 * the job token on an admin path.
 */
class ToolsTokenTest {

    private static final String ADMIN = "admin-secret";
    private static final String JOB = "job-secret";

    private StubHttpServer server;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        server = StubHttpServer.start((method, path, auth, body) -> answer(path, auth));
    }

    private static Reply answer(String path, String auth) {
        if (!("Bearer " + ADMIN).equals(auth) && !("Bearer " + JOB).equals(auth)) {
            return Reply.of(401, "{\"error\":\"UNAUTHENTICATED\"}");
        } else if (path.startsWith("/v1/admin") && !("Bearer " + ADMIN).equals(auth)) {
            return Reply.of(403, "{\"error\":\"FORBIDDEN\"}");
        } else if (path.endsWith("/drain")) {
            return Reply.of(200, "{\"drained\":true}");
        } else {
            return Reply.of(200, "hello");
        }
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Each request the fake node received as {@code METHOD path authorization-or-<none>}. */
    private List<String> seen() {
        return server.lines();
    }

    private String url() {
        return server.uri().toString();
    }

    private int cli(String... args) {
        MinikvCli cli = new MinikvCli();
        cli.out = new PrintStream(out, true, StandardCharsets.UTF_8);
        cli.err = new PrintStream(err, true, StandardCharsets.UTF_8);
        String[] all = new String[args.length + 2];
        all[0] = "--url";
        all[1] = url();
        System.arraycopy(args, 0, all, 2, args.length);
        return new CommandLine(cli).execute(all);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theCliSendsTheTokenOnEveryRequest() {
        assertThat(cli("--token", " " + JOB + " ", "get", "greeting")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(cli("--token", JOB, "put", "greeting", "hi")).isZero();
        assertThat(cli("--token", ADMIN, "status")).isZero();
        assertThat(cli("--token", ADMIN, "drain", "v2")).isZero();
        assertThat(seen())
                .containsExactly(
                        "GET /v1/kv/greeting Bearer " + JOB,
                        "PUT /v1/kv/greeting Bearer " + JOB,
                        "GET /v1/admin/status Bearer " + ADMIN,
                        "POST /v1/admin/volumes/v2/drain Bearer " + ADMIN);
        assertThat(err()).isEmpty();
    }

    @Test
    void drainCancelSendsADeleteAndCannotWait() {
        assertThat(cli("--token", ADMIN, "drain", "--cancel", "v2")).isZero();
        assertThat(cli("--token", ADMIN, "drain", "--cancel", "--wait", "v2")).isEqualTo(2);
        assertThat(seen()).containsExactly("DELETE /v1/admin/volumes/v2/drain Bearer " + ADMIN);
        assertThat(err()).contains("--cancel and --wait cannot be combined");
    }

    @Test
    void withoutATokenTheCliSaysHowToGiveOne() {
        assumeTrue(System.getenv("MINIKV_TOKEN") == null, "MINIKV_TOKEN is set");
        assertThat(cli("get", "greeting")).isEqualTo(1);
        assertThat(seen()).containsExactly("GET /v1/kv/greeting <none>");
        assertThat(err())
                .contains("401")
                .contains("authentication required: pass --token or set MINIKV_TOKEN");
    }

    @Test
    void aRefusedOrInsufficientTokenIsExplained() {
        assertThat(cli("--token", "wrong", "get", "greeting")).isEqualTo(1);
        assertThat(err()).contains("authentication failed: the node refused the token");
        assertThat(cli("--token", JOB, "cluster")).isEqualTo(1);
        assertThat(cli("--token", JOB, "drain", "v2")).isEqualTo(1);
        assertThat(err()).contains("403").contains("forbidden: the token does not allow this");
    }

    @Test
    void theTokenDefaultsToMinikvTokenFromTheEnvironment() throws Exception {
        for (Class<?> tool : List.of(MinikvCli.class, LoadTool.class)) {
            assertThat(tool.getDeclaredField("token").getAnnotation(Option.class).defaultValue())
                    .isEqualTo("${env:MINIKV_TOKEN}");
        }
    }

    private int load(String... args) {
        String[] common = {
            "--url",
            url(),
            "--duration",
            "1",
            "--warmup",
            "0",
            "--concurrency",
            "2",
            "--keys",
            "5",
            "--read-ratio",
            "0.5"
        };
        String[] all = new String[common.length + args.length];
        System.arraycopy(common, 0, all, 0, common.length);
        System.arraycopy(args, 0, all, common.length, args.length);
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            return new CommandLine(new LoadTool())
                    .setCaseInsensitiveEnumValuesAllowed(true)
                    .execute(all);
        } finally {
            System.setOut(stdout);
        }
    }

    @Test
    void theLoadToolSendsTheTokenToMinikvOnly() {
        assertThat(load("--token", JOB)).isZero();
        assertThat(seen())
                .isNotEmpty()
                .allMatch(s -> s.matches("(GET|PUT) /v1/kv/key\\d{8} Bearer " + JOB));
        server.clearRequests();
        load("--token", JOB, "--target", "etcd");
        assertThat(seen()).isNotEmpty().allMatch(s -> s.matches("POST /v3/kv/(range|put) <none>"));
    }
}
