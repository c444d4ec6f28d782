package dev.whispem.runtime.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whispem.runtime.TestRuns;
import dev.whispem.runtime.vm.RunResult;
import dev.whispem.runtime.vm.WhispemVm;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The Java VM against the corpus, from source and from the reference bytecode (README). */
class VmConformanceTest {

    @TestFactory
    Stream<DynamicTest> runsEveryProgramFromSource() {
        return Corpus.all().stream()
                .map(
                        c ->
                                DynamicTest.dynamicTest(
                                        c.name(),
                                        () -> {
                                            RunResult result =
                                                    TestRuns.runSource(
                                                            c.name() + ".wsp", c.sourceText(), "");
                                            assertMatches(c, result, c.name() + ".wsp");
                                        }));
    }

    @TestFactory
    Stream<DynamicTest> runsEveryReferenceBytecode() {
        return Corpus.withBytecode().stream()
                .map(
                        c ->
                                DynamicTest.dynamicTest(
                                        c.name(),
                                        () -> {
                                            String file = c.name() + ".whbc";
                                            RunResult result =
                                                    WhispemVm.runBytecode(
                                                            c.referenceBytecode(),
                                                            file,
                                                            List.of(),
                                                            "",
                                                            WhispemVm.Options.DEFAULT);
                                            assertMatches(c, result, file);
                                        }));
    }

    /** README "How to compare", with NAME.wsp replaced by the path that was run. */
    static void assertMatches(Corpus.Case c, RunResult result, String ranAs) {
        if (c.isErrorTest()) {
            String expected = c.expectedOutput().replace(c.name() + ".wsp", ranAs);
            assertThat(result.stdoutText() + result.stderrText())
                    .as("stdout+stderr")
                    .isEqualTo(expected);
            assertThat(result.status()).as("exit status").isEqualTo(c.expectedStatus());
        } else {
            assertThat(result.stdoutText()).as("stdout").isEqualTo(c.expectedOutput());
            assertThat(result.stderrText()).as("stderr").isEmpty();
            assertThat(result.status()).as("exit status").isZero();
        }
    }
}
