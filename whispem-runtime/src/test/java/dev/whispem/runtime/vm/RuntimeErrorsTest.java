package dev.whispem.runtime.vm;

import static dev.whispem.runtime.TestRuns.out;
import static dev.whispem.runtime.TestRuns.outAndErr;
import static org.assertj.core.api.Assertions.assertThat;

import dev.whispem.runtime.TestRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Operators, names, calls and indexing: results and every runtime error of SPEC §7 and §10. */
class RuntimeErrorsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "1 + true            | Type error: expected number or string, found number and bool",
                "[1] + [2]           | Type error: expected number or string, found array and array",
                "none + 1            | Undefined variable: 'none'",
                "1 - \"a\"           | Type error: expected number, found number and string",
                "{} * 2              | Type error: expected number, found dict and number",
                "true / 1            | Type error: expected number, found bool and number",
                "-\"x\"              | Type error: expected number, found string",
                "true < false        | Type error: expected number or string, found bool and bool",
                "1 < 2 < 3           | Type error: expected number or string, found bool and number",
                "\"a\" >= 1          | Type error: expected number or string, found string and number",
                "[1][1]              | Array index 1 out of bounds (length: 1)",
                "[1][\"0\"]          | Array index must be a number",
                "[][100000000000000000000000] | Array index 18446744073709551615 out of bounds"
                        + " (length: 0)",
                "{\"a\": 1}[\"b\"]   | Undefined variable: 'key \"b\" not found in dict'",
                "{\"a\": 1}[[1]]     | Type error: expected string or number (as dict key), found array",
                "\"abc\"[0]          | Type error: expected array or dict, found string",
                "{[1]: 2}            | Type error: expected string or number (as dict key), found array",
                "nope                | Undefined variable: 'nope'",
                "nope()              | Undefined function: 'nope'",
                "length              | Undefined variable: 'length'",
                "[1](2)              | Type error: expected function, found array",
                "fn(a) { }()         | Function '__lambda_2_0' expected 1 argument, got 0",
            })
    void reportsErrorAtTheLine(String expr, String message) {
        assertThat(outAndErr("print 1\nprint " + expr + "\nprint 2\n"))
                .isEqualTo("1\nt.wsp: [line 2, col 0] Error: " + message + "\n");
    }

    @Test
    void divisionByZeroHasNoLocation() {
        assertThat(outAndErr("print 1\nprint 1 / 0\n"))
                .isEqualTo("1\nt.wsp: Error: Division by zero\n");
        assertThat(outAndErr("print 1 % -0")).isEqualTo("t.wsp: Error: Division by zero\n");
        assertThat(outAndErr("print \"a\" / 0"))
                .isEqualTo(
                        "t.wsp: [line 1, col 0] Error: Type error: expected number, found string"
                                + " and number\n");
    }

    @Test
    void indexAssignmentErrors() {
        assertThat(outAndErr("let a = [1]\na[1] = 2\n"))
                .isEqualTo(
                        "t.wsp: [line 2, col 0] Error: Array index 1 out of bounds (length: 1)\n");
        assertThat(outAndErr("let s = \"x\"\ns[0] = 2\n"))
                .isEqualTo(
                        "t.wsp: [line 2, col 0] Error: Type error: expected array or dict, found"
                                + " string\n");
        assertThat(outAndErr("let a = [1]\na[true] = 2\n"))
                .isEqualTo("t.wsp: [line 2, col 0] Error: Array index must be a number\n");
    }

    @Test
    void arityErrorsNameTheFunction() {
        assertThat(outAndErr("fn f(a, b) { }\nf(1)\n"))
                .isEqualTo(
                        "t.wsp: [line 2, col 0] Error: Function 'f' expected 2 arguments, got 1\n");
        assertThat(outAndErr("let g = fn(a) { }\ng()\n"))
                .isEqualTo(
                        "t.wsp: [line 2, col 0] Error: Function '__lambda_1_0' expected 1 argument,"
                                + " got 0\n");
    }

    @Test
    void arithmeticFollowsIeee() {
        assertThat(out("print -7 % 3\nprint 7 % -3\nprint 7.5 % 2\nprint 0 == -0\n"))
                .isEqualTo("-1\n1\n1.5\ntrue\n");
    }

    @Test
    void equalityNeverFailsAndContainersAreNeverEqual() {
        assertThat(
                        out(
                                "let a = [1]\nprint a == a\nprint {} != {}\nprint 1 == \"1\"\n"
                                        + "print 0 == false\nprint \"a\" == \"a\"\n"))
                .isEqualTo("false\ntrue\nfalse\nfalse\ntrue\n");
    }

    @Test
    void logicReturnsOperands() {
        assertThat(out("print 0 or \"x\"\nprint 1 and 2\nprint [] or {}\nprint not 0\nprint !1\n"))
                .isEqualTo("x\n2\n{}\ntrue\nfalse\n");
        assertThat(out("print false and nope\nprint true or nope\n")).isEqualTo("false\ntrue\n");
    }

    @Test
    void stringsCompareByCodePoint() {
        assertThat(out("print \"Z\" < \"a\"\nprint \"10\" < \"9\"\nprint \"ab\" < \"abc\"\n"))
                .isEqualTo("true\ntrue\ntrue\n");
        // U+FF5E sorts before U+1F600 by code point, though not by UTF-16 unit.
        assertThat(out("print \"\uFF5E\" < \"\uD83D\uDE00\"\n")).isEqualTo("true\n");
    }

    @Test
    void printedForms() {
        assertThat(out("fn f() { }\nprint [\"a\", \"b c\", \"\", f(), true]\n"))
                .isEqualTo("[a, b c, , , true]\n");
        assertThat(out("fn f() { }\nprint [f(), 1.5, {\"a b\": 2, \"a\": 3}]\n"))
                .isEqualTo("[, 1.5, {\"a b\": 2, \"a\": 3}]\n");
        assertThat(out("print \"x\" + [1, \"a\"]\nprint 1 + 2 + \"x\"\nprint \"x\" + 1 + 2\n"))
                .isEqualTo("x[1, a]\n3x\nx12\n");
    }

    @Test
    void runtimeErrorKeepsEarlierOutputAndExitsWithOne() {
        var result = TestRuns.run("print \"before\"\nprint nope\n");
        assertThat(result.stdoutText()).isEqualTo("before\n");
        assertThat(result.stderrText())
                .isEqualTo("t.wsp: [line 2, col 0] Error: Undefined variable: 'nope'\n");
        assertThat(result.status()).isEqualTo(1);
    }
}
