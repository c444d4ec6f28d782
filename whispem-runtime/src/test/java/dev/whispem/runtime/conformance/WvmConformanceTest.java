package dev.whispem.runtime.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whispem.runtime.CompileResult;
import dev.whispem.runtime.Whispem;
import dev.whispem.runtime.vm.RunResult;
import dev.whispem.runtime.vm.WhispemVm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The C VM on bytecode written by OUR compiler: expected corpus outputs (README check 2 with our
 * bytes), and a differential run against the Java VM on the same bytes.
 */
class WvmConformanceTest {
    @TempDir static Path workDir;

    @BeforeAll
    static void requireWvm() {
        assertThat(Wvm.isBuilt())
                .as("the C VM %s must be built (make -C whispem-runtime wvm)", Wvm.BINARY)
                .isTrue();
    }

    /** Compiles with our compiler and writes NAME.whbc into the work directory. */
    private static byte[] compileInto(Corpus.Case c) throws IOException {
        CompileResult result = Whispem.compile(c.name() + ".wsp", c.sourceText());
        assertThat(result).isInstanceOf(CompileResult.Compiled.class);
        byte[] bytes = ((CompileResult.Compiled) result).bytecode();
        Files.write(workDir.resolve(c.name() + ".whbc"), bytes);
        return bytes;
    }

    @TestFactory
    Stream<DynamicTest> wvmRunsOurBytecodeWithExpectedOutput() {
        return Corpus.withBytecode().stream()
                .map(
                        c ->
                                DynamicTest.dynamicTest(
                                        c.name(),
                                        () -> {
                                            compileInto(c);
                                            String file = c.name() + ".whbc";
                                            RunResult result = Wvm.run(workDir, file, List.of());
                                            VmConformanceTest.assertMatches(c, result, file);
                                        }));
    }

    @TestFactory
    Stream<DynamicTest> wvmAndJavaVmAgree() {
        return Corpus.withBytecode().stream()
                .map(
                        c ->
                                DynamicTest.dynamicTest(
                                        c.name(),
                                        () -> {
                                            byte[] bytes = compileInto(c);
                                            String file = c.name() + ".whbc";
                                            RunResult wvm = Wvm.run(workDir, file, List.of());
                                            RunResult java =
                                                    WhispemVm.runBytecode(
                                                            bytes,
                                                            file,
                                                            List.of(),
                                                            "",
                                                            WhispemVm.Options.DEFAULT);
                                            assertThat(wvm.stdoutText())
                                                    .as("stdout")
                                                    .isEqualTo(java.stdoutText());
                                            assertThat(wvm.stderrText())
                                                    .as("stderr")
                                                    .isEqualTo(java.stderrText());
                                            assertThat(wvm.status())
                                                    .as("status")
                                                    .isEqualTo(java.status());
                                        }));
    }
}
