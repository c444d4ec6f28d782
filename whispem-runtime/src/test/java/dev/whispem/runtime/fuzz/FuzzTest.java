package dev.whispem.runtime.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whispem.runtime.CompileResult;
import dev.whispem.runtime.Diagnostic;
import dev.whispem.runtime.Whispem;
import dev.whispem.runtime.bytecode.BytecodeReader;
import dev.whispem.runtime.bytecode.InvalidBytecodeException;
import dev.whispem.runtime.conformance.Corpus;
import dev.whispem.runtime.vm.RunResult;
import dev.whispem.runtime.vm.WhispemVm;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Property tests with a fixed seed (reproducible): arbitrary bytes and mutated corpus files through
 * the reader and the VM, and arbitrary text through the compiler. Only the documented outcomes may
 * happen: a verified program, {@code Invalid bytecode: ...}, or a run that ends with a status and
 * at most one diagnostic line in the SPEC §10 format.
 */
class FuzzTest {
    private static final long SEED = 0x5EED_0006L;
    private static final WhispemVm.Options SANDBOX =
            WhispemVm.Options.DEFAULT.withInstructionBudget(20_000).withFileAccess(false);
    private static final Pattern DIAGNOSTIC =
            Pattern.compile("f\\.whbc: (\\[line \\d+, col 0\\] )?Error: [^\\n]+\\n");

    private static final String[] WORDS = {
        "let ",
        "x",
        "y",
        "f",
        "=",
        "==",
        "print ",
        "if ",
        "else ",
        "while ",
        "for ",
        " in ",
        "fn",
        "(",
        ")",
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "+",
        "-",
        "*",
        "/",
        "%",
        "<",
        ">=",
        "!",
        "not ",
        "and ",
        "or ",
        "return ",
        "break",
        "continue",
        "\n",
        " ",
        "1",
        "2.5",
        "\"s\"",
        "f\"{x}\"",
        "f\"{",
        "true",
        "false",
        "length",
        "push",
        "map",
        "reduce",
        "#c\n",
        "\"",
        "\\",
        "é",
        ".",
        "@",
        "\t",
        "exit",
        "assert",
        "range(0, 3)",
        "fn(a) { return a }",
    };

    /** Runs bytes like the CLI would; returns null when the reader rejected them properly. */
    private static void readAndRun(byte[] data) {
        try {
            BytecodeReader.read(data);
        } catch (InvalidBytecodeException e) {
            assertThat(e.getMessage()).startsWith("Invalid bytecode: ");
            return;
        }
        RunResult result = WhispemVm.runBytecode(data, "f.whbc", List.of(), "", SANDBOX);
        assertThat(result.status()).isBetween(0, 255);
        if (!result.stderrText().isEmpty()) {
            assertThat(result.stderrText()).matches(DIAGNOSTIC);
            assertThat(result.stderrText()).doesNotContain("Exception").doesNotContain("null");
        }
    }

    @Test
    void randomBytesNeverCrashTheReader() {
        Random random = new Random(SEED);
        for (int i = 0; i < 3000; i++) {
            byte[] data = new byte[random.nextInt(64)];
            random.nextBytes(data);
            if (data.length > 5 && random.nextBoolean()) {
                data[0] = 'W';
                data[1] = 'H';
                data[2] = 'B';
                data[3] = 'C';
                data[4] = 4;
            }
            readAndRun(data);
        }
    }

    @Test
    void mutatedCorpusBytecodeOnlyFailsInDocumentedWays() {
        Random random = new Random(SEED + 1);
        List<Corpus.Case> cases = Corpus.withBytecode();
        for (int i = 0; i < 2500; i++) {
            byte[] data = cases.get(random.nextInt(cases.size())).referenceBytecode();
            int mutations = 1 + random.nextInt(4);
            for (int m = 0; m < mutations; m++) {
                int at = random.nextInt(data.length);
                switch (random.nextInt(3)) {
                    case 0 -> data[at] = (byte) random.nextInt(256);
                    case 1 -> data[at] ^= (byte) (1 << random.nextInt(8));
                    default -> data = java.util.Arrays.copyOf(data, at + 1);
                }
            }
            readAndRun(data);
        }
    }

    @Test
    void randomSourceNeverThrowsFromCompile() {
        Random random = new Random(SEED + 2);
        for (int i = 0; i < 4000; i++) {
            StringBuilder source = new StringBuilder();
            int length = random.nextInt(40);
            for (int t = 0; t < length; t++) {
                if (random.nextInt(10) == 0) {
                    source.appendCodePoint(random.nextInt(0x3000));
                } else {
                    source.append(WORDS[random.nextInt(WORDS.length)]);
                }
            }
            CompileResult result = Whispem.compile("r.wsp", source.toString());
            switch (result) {
                case CompileResult.Compiled compiled -> readAndRun(compiled.bytecode());
                case CompileResult.Failed failed -> {
                    assertThat(failed.diagnostics()).hasSize(1);
                    Diagnostic d = failed.diagnostics().getFirst();
                    assertThat(d.message()).doesNotStartWith("Internal compiler error");
                    assertThat(d.format("r.wsp")).startsWith("r.wsp: ");
                }
            }
        }
    }

    @Test
    void compiledOutputAlwaysPassesTheVerifier() throws Exception {
        for (Corpus.Case c : Corpus.withBytecode()) {
            CompileResult result = Whispem.compile(c.name() + ".wsp", c.sourceText());
            BytecodeReader.read(((CompileResult.Compiled) result).bytecode());
        }
    }
}
