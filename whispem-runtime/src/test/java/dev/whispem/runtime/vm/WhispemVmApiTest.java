package dev.whispem.runtime.vm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whispem.runtime.CompileResult;
import dev.whispem.runtime.Whispem;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The embedding API: compile, run with captured streams, natives, sandbox. */
class WhispemVmApiTest {

    private static byte[] compile(String source) {
        return ((CompileResult.Compiled) Whispem.compile("j.wsp", source)).bytecode();
    }

    @Test
    void runsBytecodeWithCapturedStreams() {
        RunResult result =
                WhispemVm.runBytecode(
                        compile("print args()[0] + input()\nprint nope\n"),
                        "j.whbc",
                        List.of("a"),
                        "b\n",
                        WhispemVm.Options.DEFAULT);
        assertThat(result.stdoutText()).isEqualTo("ab\n");
        assertThat(result.stderrText())
                .isEqualTo("j.whbc: [line 2, col 0] Error: Undefined variable: 'nope'\n");
        assertThat(result.status()).isEqualTo(1);
    }

    @Test
    void nativeFunctionsAreCallableByNameButCannotOverrideBuiltins() {
        NativeFunction get = args -> "v:" + Values.print(args.getFirst());
        NativeFunction fail =
                args -> {
                    throw new WhispemError(WhispemError.NO_LINE, "kv unavailable");
                };
        WhispemVm.Options options =
                WhispemVm.Options.DEFAULT.withNatives(
                        Map.of("kv_get", get, "kv_fail", fail, "length", get));
        RunResult result =
                WhispemVm.runBytecode(
                        compile("print kv_get(\"k\")\nprint length([1])\nkv_fail()\n"),
                        "j.whbc",
                        List.of(),
                        "",
                        options);
        assertThat(result.stdoutText()).isEqualTo("v:k\n1\n");
        assertThat(result.stderrText())
                .isEqualTo("j.whbc: [line 3, col 0] Error: kv unavailable\n");
    }

    @Test
    void fileAccessCanBeDenied() {
        RunResult result =
                WhispemVm.runBytecode(
                        compile("write_file(\"/tmp/whispem_denied.txt\", 1)\n"),
                        "j.whbc",
                        List.of(),
                        "",
                        WhispemVm.Options.DEFAULT.withFileAccess(false));
        assertThat(result.stderrText())
                .isEqualTo(
                        "j.whbc: [line 1, col 0] Error: Failed to write '/tmp/whispem_denied.txt':"
                                + " Permission denied (os error 13)\n");
    }

    @Test
    void budgetBoundsMemoryHungryBuiltins() {
        RunResult result =
                WhispemVm.runBytecode(
                        compile("let r = range(0, 10000000)\nprint 1\n"),
                        "j.whbc",
                        List.of(),
                        "",
                        WhispemVm.Options.DEFAULT.withInstructionBudget(10_000));
        assertThat(result.stderrText()).isEqualTo("j.whbc: Error: Instruction budget exhausted\n");
    }

    @Test
    void compileNeverThrowsAndDiagnosticsFormat() {
        CompileResult result = Whispem.compile("x.wsp", "let");
        assertThat(result).isInstanceOf(CompileResult.Failed.class);
        assertThat(((CompileResult.Failed) result).diagnostics().getFirst().format("x.wsp"))
                .isEqualTo("x.wsp: [line 1, col 4] Error: Expected identifier, found end of file");
    }
}
