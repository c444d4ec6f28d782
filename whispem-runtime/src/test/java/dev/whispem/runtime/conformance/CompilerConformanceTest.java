package dev.whispem.runtime.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.whispem.runtime.CompileResult;
import dev.whispem.runtime.Whispem;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Our compiler's bytes against every reference {@code .whbc} (README check 1, SPEC §15). */
class CompilerConformanceTest {

    @TestFactory
    Stream<DynamicTest> compilesByteIdenticalToReference() {
        return Corpus.withBytecode().stream()
                .map(
                        c ->
                                DynamicTest.dynamicTest(
                                        c.name(),
                                        () -> {
                                            CompileResult result =
                                                    Whispem.compile(
                                                            c.name() + ".wsp", c.sourceText());
                                            if (!(result
                                                    instanceof CompileResult.Compiled compiled)) {
                                                fail("did not compile: " + result);
                                                return;
                                            }
                                            assertSameBytes(
                                                    c.referenceBytecode(), compiled.bytecode());
                                        }));
    }

    @TestFactory
    Stream<DynamicTest> compileErrorsMatchReference() {
        return Corpus.all().stream()
                .filter(c -> c.isErrorTest() && !c.hasBytecode())
                .map(
                        c ->
                                DynamicTest.dynamicTest(
                                        c.name(),
                                        () -> {
                                            String file = c.name() + ".wsp";
                                            CompileResult result =
                                                    Whispem.compile(file, c.sourceText());
                                            assertThat(result)
                                                    .isInstanceOf(CompileResult.Failed.class);
                                            String line =
                                                    ((CompileResult.Failed) result)
                                                            .diagnostics()
                                                            .getFirst()
                                                            .format(file);
                                            assertThat(line + "\n").isEqualTo(c.expectedOutput());
                                            assertThat(c.expectedStatus()).isEqualTo(1);
                                        }));
    }

    /** Byte-for-byte equality with a message that points at the first differing offset. */
    static void assertSameBytes(byte[] expected, byte[] actual) {
        if (Arrays.equals(expected, actual)) {
            return;
        }
        int at = Arrays.mismatch(expected, actual);
        fail(
                "bytecode differs at offset %d (expected %d bytes, got %d)%n expected: %s%n"
                        + " actual:   %s",
                at, expected.length, actual.length, window(expected, at), window(actual, at));
    }

    private static String window(byte[] bytes, int at) {
        int from = Math.max(0, at - 8);
        int to = Math.min(bytes.length, at + 16);
        return "@" + from + " " + HexFormat.ofDelimiter(" ").formatHex(bytes, from, to);
    }
}
