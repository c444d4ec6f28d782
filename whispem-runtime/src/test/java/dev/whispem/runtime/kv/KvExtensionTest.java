package dev.whispem.runtime.kv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whispem.runtime.Whispem;
import dev.whispem.runtime.bytecode.Disassembler;
import dev.whispem.runtime.cli.Cli;
import dev.whispem.runtime.vm.NativeFunction;
import dev.whispem.runtime.vm.RunResult;
import dev.whispem.runtime.vm.WhispemVm;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Java-side properties of the kv_* extension that the shared cases do not cover. */
class KvExtensionTest {
    @TempDir Path dir;

    private static final String USES_KV =
            """
            fn helper(k) {
              kv_put(k, "v")
              return kv_get(k)
            }
            print helper("a")
            print kv_list("")
            kv_delete("a")
            let f = fn() { return kv_get("b") }
            """;

    @Test
    void bytecodeIsThatOfAnOrdinaryCallByName() {
        byte[] withKv = KvConformanceTest.compile(USES_KV);
        // The same program calling same-length names the runtime has never heard of.
        byte[] other = KvConformanceTest.compile(USES_KV.replace("kv_", "qq_"));
        byte[] renamedBack =
                new String(other, StandardCharsets.ISO_8859_1)
                        .replace("qq_", "kv_")
                        .getBytes(StandardCharsets.ISO_8859_1);
        assertThat(Arrays.equals(withKv, renamedBack)).isTrue();
        assertThat(Disassembler.disassemble(Whispem.compileProgram(USES_KV)))
                .contains("CALL")
                .contains("kv_get")
                .contains("kv_list");
    }

    @Test
    void nativesResolveAfterEveryUserDefinition() {
        NativeFunction host = args -> "host";
        WhispemVm.Options options = WhispemVm.Options.DEFAULT.withNatives(Map.of("h", host));
        String source =
                """
                print h()
                fn h() {
                  return "named"
                }
                """;
        assertThat(runOut(source, options)).isEqualTo("named\n");
        assertThat(runOut("let h = fn() { return \"lambda\" }\nprint h()\n", options))
                .isEqualTo("lambda\n");
        assertThat(runOut("let h = 1\nprint h()\n", options)).isEqualTo("host\n");
        assertThat(runOut("print h()\n", options)).isEqualTo("host\n");
    }

    private static String runOut(String source, WhispemVm.Options options) {
        RunResult result =
                WhispemVm.runBytecode(
                        KvConformanceTest.compile(source), "t.whbc", List.of(), "", options);
        assertThat(result.stderrText()).isEmpty();
        return result.stdoutText();
    }

    @Test
    void theCommandLineEnablesTheExtensionFromItsEnvironment() throws Exception {
        Path program = dir.resolve("job.wsp");
        Files.writeString(program, "kv_put(\"k\", args()[0])\nprint kv_get(\"k\")\n");
        try (FakeMiniKv kv = new FakeMiniKv().requireToken("tok")) {
            Map<String, String> env = Map.of("MINIKV_URL", kv.url(), "MINIKV_TOKEN", "tok");
            assertThat(cli("", env, program.toString(), "value"))
                    .isEqualTo(new Outcome(0, "value\n", ""));
            Path bytecode = dir.resolve("job.whbc");
            assertThat(cli("", env, "--compile", program.toString(), bytecode.toString()).status())
                    .isZero();
            assertThat(cli("", env, bytecode.toString(), "again"))
                    .isEqualTo(new Outcome(0, "again\n", ""));
            Outcome repl = cli("print kv_get(\"k\")\n", env);
            assertThat(repl.out()).contains("again");
        }
        assertThat(cli("", Map.of(), program.toString(), "x"))
                .isEqualTo(
                        new Outcome(
                                1,
                                "",
                                program
                                        + ": [line 1, col 0] Error: kv_put: MINIKV_URL is not"
                                        + " set\n"));
    }

    private record Outcome(int status, String out, String err) {}

    private static Outcome cli(String stdin, Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status =
                new Cli(
                                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                                new PrintStream(out, true, StandardCharsets.UTF_8),
                                new PrintStream(err, true, StandardCharsets.UTF_8),
                                env)
                        .run(List.of(args));
        return new Outcome(
                status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theDeadlineCoversTheWholeRequestNotEachRead() throws Exception {
        try (DripServer drip = new DripServer()) {
            long start = System.nanoTime();
            RunResult result =
                    WhispemVm.runBytecode(
                            KvConformanceTest.compile("\nprint kv_get(\"a\")\n"),
                            "t.whbc",
                            List.of(),
                            "",
                            WhispemVm.Options.DEFAULT.withNatives(
                                    KvExtension.natives(
                                            Map.of(
                                                    "MINIKV_URL",
                                                    drip.url(),
                                                    "MINIKV_TIMEOUT_MS",
                                                    "400"))));
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(result.stderrText())
                    .isEqualTo(
                            "t.whbc: [line 2, col 0] Error: kv_get: timed out after 400 ms talking"
                                    + " to "
                                    + drip.url()
                                    + "\n");
            assertThat(result.status()).isEqualTo(1);
            assertThat(elapsedMs).isBetween(350L, 5_000L);
        }
    }

    @Test
    void configurationParsing() {
        KvConfig plain = KvConfig.from(Map.of("MINIKV_URL", "http://kv"));
        assertThat(plain.error()).isNull();
        assertThat(plain.port()).isEqualTo(80);
        assertThat(plain.hostHeader()).isEqualTo("kv");
        assertThat(plain.basePath()).isEmpty();
        assertThat(plain.timeoutMs()).isEqualTo(10_000);
        assertThat(plain.token()).isNull();

        KvConfig full =
                KvConfig.from(
                        Map.of(
                                "MINIKV_URL", "http://minikv-client.ns.svc:8080/api/kv///",
                                "MINIKV_TOKEN", "abc.DEF-123",
                                "MINIKV_TIMEOUT_MS", "3600000"));
        assertThat(full.error()).isNull();
        assertThat(full.host()).isEqualTo("minikv-client.ns.svc");
        assertThat(full.port()).isEqualTo(8080);
        assertThat(full.hostHeader()).isEqualTo("minikv-client.ns.svc:8080");
        assertThat(full.basePath()).isEqualTo("/api/kv");
        assertThat(full.endpoint()).isEqualTo("http://minikv-client.ns.svc:8080/api/kv");
        assertThat(full.token()).isEqualTo("abc.DEF-123");
        assertThat(full.timeoutMs()).isEqualTo(3_600_000);

        KvConfig v6 = KvConfig.from(Map.of("MINIKV_URL", "http://[::1]:9/"));
        assertThat(v6.error()).isNull();
        assertThat(v6.host()).isEqualTo("::1");
        assertThat(v6.hostHeader()).isEqualTo("[::1]:9");
        assertThat(v6.endpoint()).isEqualTo("http://[::1]:9");

        for (String bad :
                List.of(
                        "HTTP://kv",
                        "http://",
                        "http:///x",
                        "http://user@kv",
                        "http://kv:",
                        "http://kv:0",
                        "http://kv:08080x",
                        "http://kv/a b",
                        "http://kv/#f",
                        "http://[::1",
                        "http://[]",
                        "http://kv_1",
                        "http://kü",
                        "kv:8080")) {
            assertThat(KvConfig.from(Map.of("MINIKV_URL", bad)).error())
                    .as(bad)
                    .isEqualTo("MINIKV_URL must be http://host[:port][/path], got '" + bad + "'");
        }
        assertThat(
                        KvConfig.from(
                                        Map.of(
                                                "MINIKV_URL",
                                                "http://kv",
                                                "MINIKV_TIMEOUT_MS",
                                                "3600001"))
                                .error())
                .startsWith("MINIKV_TIMEOUT_MS must be");
        assertThat(
                        KvConfig.from(Map.of("MINIKV_URL", "http://kv", "MINIKV_TIMEOUT_MS", ""))
                                .timeoutMs())
                .isEqualTo(10_000);
        assertThat(
                        KvConfig.from(
                                        Map.of(
                                                "MINIKV_URL",
                                                "http://kv",
                                                "MINIKV_TIMEOUT_MS",
                                                "00000000001000"))
                                .timeoutMs())
                .isEqualTo(1000);
        assertThat(
                        KvConfig.from(
                                        Map.of(
                                                "MINIKV_URL",
                                                "http://kv",
                                                "MINIKV_TIMEOUT_MS",
                                                "99999999999999999999"))
                                .error())
                .startsWith("MINIKV_TIMEOUT_MS must be");
        assertThat(KvConfig.from(Map.of("MINIKV_URL", "http://kv", "MINIKV_TOKEN", "tö")).error())
                .startsWith("MINIKV_TOKEN must be");
    }

    @Test
    void percentEncodingKeepsOnlyUnreservedCharacters() {
        assertThat(KvExtension.percentEncode("AZaz09-._~")).isEqualTo("AZaz09-._~");
        assertThat(KvExtension.percentEncode("a/b c+%\r\n\"é😀"))
                .isEqualTo("a%2Fb%20c%2B%25%0D%0A%22%C3%A9%F0%9F%98%80");
    }

    @Test
    void listPagesAreParsedStrictly() throws Exception {
        assertThat(KvJson.page(" {\"items\": [], \"nextCursor\": \"YQ\"} \n").nextCursor())
                .isEqualTo("YQ");
        assertThat(KvJson.page("{\"items\":[{\"key\":\"\"}]}").keys()).containsExactly("");
        for (String bad :
                List.of(
                        "",
                        "[]",
                        "{\"items\":[]",
                        "{\"items\":[],}",
                        "{\"items\":[{}]}",
                        "{\"items\":[{\"key\":\"a\",\"key\":\"b\"}]}",
                        "{\"items\":[],\"nextCursor\":\"\"}",
                        "{\"items\":[],\"nextCursor\":3}",
                        "{\"items\":[{\"key\":\"a\\x\"}]}",
                        "{\"items\":[{\"key\":\"a\tb\"}]}",
                        "{\"items\":[{\"key\":\"\\uD800x\"}]}",
                        "{\"items\":[{\"key\":\"a\",\"v\":1.}]}",
                        "{\"items\":[{\"key\":\"a\",\"v\":+1}]}",
                        "{\"items\":[{\"key\":\"a\",\"v\":tru}]}",
                        "{\"items\":[],\"x\":" + "[".repeat(70) + "]".repeat(70) + "}",
                        "{'items':[]}")) {
            assertThat(parses(bad)).as(bad).isFalse();
        }
        assertThat(parses("{\"items\":[],\"x\":" + "[".repeat(60) + "]".repeat(60) + "}")).isTrue();
    }

    private static boolean parses(String text) {
        try {
            KvJson.page(text);
            return true;
        } catch (KvJson.Invalid e) {
            return false;
        }
    }
}
