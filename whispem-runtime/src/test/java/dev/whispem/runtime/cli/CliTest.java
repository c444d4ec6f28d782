package dev.whispem.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line forms of SPEC §11, driven through in-memory streams. */
class CliTest {
    @TempDir Path dir;

    private record Outcome(int status, String out, String err) {}

    private static Outcome cli(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status =
                new Cli(
                                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                                new PrintStream(out, true, StandardCharsets.UTF_8),
                                new PrintStream(err, true, StandardCharsets.UTF_8))
                        .run(List.of(args));
        return new Outcome(
                status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path write(String name, String content) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        return file;
    }

    @Test
    void runsSourceWithArguments() throws Exception {
        Path file = write("a.wsp", "print args()\nprint input(\"> \")\n");
        Outcome outcome = cli("hi\n", file.toString(), "x", "y");
        assertThat(outcome.out()).isEqualTo("[x, y]\n> hi\n");
        assertThat(outcome.err()).isEmpty();
        assertThat(outcome.status()).isZero();
    }

    @Test
    void compilesThenRunsBytecode() throws Exception {
        Path file = write("b.wsp", "print \"from bytecode\"\nexit(7)\n");
        Outcome compiled = cli("", "--compile", file.toString());
        Path whbc = dir.resolve("b.whbc");
        assertThat(compiled.status()).isZero();
        assertThat(compiled.err())
                .isEqualTo(
                        "Compiled "
                                + file
                                + " \u2192 "
                                + whbc
                                + " ("
                                + Files.size(whbc)
                                + " bytes)\n");
        Outcome ran = cli("", whbc.toString());
        assertThat(ran.out()).isEqualTo("from bytecode\n");
        assertThat(ran.status()).isEqualTo(7);
    }

    @Test
    void compileToExplicitOutput() throws Exception {
        Path file = write("c.wsp", "print 1\n");
        Path target = dir.resolve("out.bin");
        assertThat(cli("", "--compile", file.toString(), target.toString()).status()).isZero();
        assertThat(Files.readAllBytes(target)).startsWith('W', 'H', 'B', 'C', 4);
    }

    @Test
    void compileErrorsWriteNothing() throws Exception {
        Path file = write("d.wsp", "print (\n");
        Outcome outcome = cli("", "--compile", file.toString());
        assertThat(outcome.status()).isEqualTo(1);
        assertThat(outcome.err())
                .isEqualTo(file + ": [line 1, col 8] Error: Expected expression, found newline\n");
        assertThat(dir.resolve("d.whbc")).doesNotExist();
    }

    @Test
    void serialisationErrorForExactly256Constants() throws Exception {
        StringBuilder source = new StringBuilder();
        for (int i = 0; i < 256; i++) {
            source.append("print ").append(i).append('\n');
        }
        Path file = write("e.wsp", source.toString());
        Outcome outcome = cli("", "--compile", file.toString());
        assertThat(outcome.status()).isEqualTo(1);
        assertThat(outcome.err())
                .isEqualTo(
                        file
                                + ": serialisation error: Error: Serialization error: too many"
                                + " constants in '<main>'\n");
        // Running the source directly is fine (D3 only concerns the file format).
        Outcome ran = cli("", file.toString());
        assertThat(ran.status()).isZero();
        assertThat(ran.out()).endsWith("255\n");
    }

    @Test
    void unreadableFiles() throws Exception {
        Outcome source = cli("", dir.resolve("missing.wsp").toString());
        assertThat(source.err())
                .isEqualTo(
                        "Error: Cannot read '"
                                + dir.resolve("missing.wsp")
                                + "': No such file or directory (os error 2)\n");
        assertThat(source.status()).isEqualTo(1);
        Outcome bytecode = cli("", dir.resolve("missing.whbc").toString());
        assertThat(bytecode.err())
                .isEqualTo(
                        "Cannot read '"
                                + dir.resolve("missing.whbc")
                                + "': No such file or directory (os error 2)\n");
        Path binary = dir.resolve("bad.wsp");
        Files.write(binary, new byte[] {'p', (byte) 0xC3});
        assertThat(cli("", binary.toString()).err())
                .isEqualTo(
                        "Error: Cannot read '"
                                + binary
                                + "': stream did not contain valid UTF-8\n");
    }

    @Test
    void invalidBytecodeIsReportedWithThePath() throws Exception {
        Path file = dir.resolve("f.whbc");
        Files.write(file, new byte[] {'W', 'H', 'B', 'C', 9, 0, 1});
        Outcome outcome = cli("", file.toString());
        assertThat(outcome.status()).isEqualTo(1);
        assertThat(outcome.err())
                .isEqualTo(
                        file + ": Error: Invalid bytecode: version mismatch: expected 4, got 9\n");
    }

    @Test
    void dumpPrintsTheDisassembly() throws Exception {
        Path file = write("g.wsp", "fn f(x) {\n  return x\n}\nprint f(1)\n");
        Outcome outcome = cli("", "--dump", file.toString());
        assertThat(outcome.status()).isZero();
        assertThat(outcome.out())
                .isEqualTo(
                        """
                        == <main> ==
                        0000     4  PUSH_CONST            0    '1'
                        0002     |  CALL                  1    'f' (1 args)
                        0005     |  PRINT
                        0006     0  HALT

                        == f ==
                        0000     1  STORE                 0    'x'
                        0002     2  LOAD                  0    'x'
                        0004     |  RETURN
                        0005     1  RETURN_NONE
                        """);
    }

    @Test
    void usageErrors() {
        assertThat(cli("", "--compile").status()).isEqualTo(1);
        assertThat(cli("", "--dump").err()).startsWith("Usage: whispem");
    }

    @Test
    void noArgumentsStartsTheRepl() {
        Outcome outcome = cli("print 6 * 7\n", new String[0]);
        assertThat(outcome.out()).contains("42\n");
        assertThat(outcome.status()).isZero();
    }

    @Test
    void defaultOutputReplacesTheExtension() {
        assertThat(Cli.defaultOutput("dir/x.wsp")).isEqualTo("dir/x.whbc");
        assertThat(Cli.defaultOutput("x")).isEqualTo("x.whbc");
        assertThat(Cli.defaultOutput("a.b/x")).isEqualTo("a.b/x.whbc");
    }
}
