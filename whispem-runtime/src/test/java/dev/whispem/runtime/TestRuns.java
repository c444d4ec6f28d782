package dev.whispem.runtime;

import dev.whispem.runtime.bytecode.Program;
import dev.whispem.runtime.vm.RunResult;
import dev.whispem.runtime.vm.WhispemVm;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Shortcuts for running programs on the Java VM in tests. */
public final class TestRuns {
    private TestRuns() {}

    /** Compiles and runs source like {@code whispem FILE.wsp}: compile errors give status 1. */
    public static RunResult runSource(String fileName, String source, String stdin) {
        return runSource(fileName, source, stdin, List.of(), WhispemVm.Options.DEFAULT);
    }

    public static RunResult runSource(
            String fileName,
            String source,
            String stdin,
            List<String> args,
            WhispemVm.Options options) {
        Program program;
        try {
            program = Whispem.compileProgram(source);
        } catch (CompileException e) {
            byte[] err = (e.diagnostic().format(fileName) + "\n").getBytes(StandardCharsets.UTF_8);
            return new RunResult(1, new byte[0], err);
        }
        return WhispemVm.run(program, fileName, args, stdin, options);
    }

    /** Runs a snippet named {@code t.wsp} with empty stdin. */
    public static RunResult run(String source) {
        return runSource("t.wsp", source, "");
    }

    /** The stdout of a snippet that must succeed. */
    public static String out(String source) {
        RunResult result = run(source);
        if (result.status() != 0 || result.stderr().length > 0) {
            throw new AssertionError(
                    "program failed with status "
                            + result.status()
                            + ": "
                            + result.stderrText()
                            + "\nstdout: "
                            + result.stdoutText());
        }
        return result.stdoutText();
    }

    /** stdout + stderr of a snippet, as the corpus .err files compare them. */
    public static String outAndErr(String source) {
        RunResult result = run(source);
        return result.stdoutText() + result.stderrText();
    }
}
