package dev.whispem.runtime.vm;

import static dev.whispem.runtime.TestRuns.out;
import static dev.whispem.runtime.TestRuns.outAndErr;
import static org.assertj.core.api.Assertions.assertThat;

import dev.whispem.runtime.TestRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every builtin of SPEC §9: results, and each documented error. */
class BuiltinsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "length([1, 2, 3])                  | 3",
                "length(\"héllo\")                  | 5",
                "length({\"a\": 1})                 | 1",
                "push([1], 2)                       | [1, 2]",
                "pop([1, 2])                        | 2",
                "reverse([1, 2, 3])                 | [3, 2, 1]",
                "slice([1, 2, 3, 4], 1, 3)          | [2, 3]",
                "slice([1, 2], -5, 1.9)             | [1]",
                "range(1, 4)                        | [1, 2, 3]",
                "range(3.7, 1)                      | []",
                "range(-1.5, 1.5)                   | [-1, 0]",
                "map([1, 2], fn(x) { return x * 10 }) | [10, 20]",
                "map([], 5)                         | []",
                "filter([1, 2, 3, 4], fn(x) { return x % 2 }) | [1, 3]",
                "reduce([1, 2, 3], fn(a, b) { return a + b }, 10) | 16",
                "keys({\"b\": 1, \"a\": 2, \"a b\": 3}) | [a, a b, b]",
                "values({\"b\": 1, \"a\": 2})       | [2, 1]",
                "has_key({\"1\": 0}, 1)             | true",
                "has_key({\"1\": 0}, \"2\")         | false",
                "char_at(\"héllo\", 1)              | é",
                "char_at(\"abc\", 1.7)              | b",
                "substr(\"hello\", 1, 3)            | ell",
                "substr(\"hello\", 3, 100)          | lo",
                "substr(\"hello\", 10, 2)           | ``",
                "ord(\"A\")                         | 65",
                "ord(\"😀\")                        | 128512",
                "num_to_str(3)                      | 3",
                "num_to_str(2.5) + \"!\"            | 2.5!",
                "str_to_num(\" 12.5 \") + 1         | 13.5",
                "str_to_num(\".5\")                 | 0.5",
                "str_to_num(\"5.\")                 | 5",
                "str_to_num(\"-1e3\")               | -1000",
                "str_to_num(\"+2E-1\")              | 0.2",
                "str_to_num(\"Infinity\")           | inf",
                "str_to_num(\"-inf\")               | -inf",
                "str_to_num(\"NaN\")                | NaN",
                "num_to_hex(1)                      | 3ff0000000000000",
                "num_to_hex(-2.5)                   | c004000000000000",
                "type_of(1) + type_of(\"\") + type_of(true) + type_of([]) | numberstringboolarray",
                "type_of({}) + type_of(fn() { }) + type_of(assert(1)) | dictfunctionnone",
                "args()                             | []",
            })
    void computes(String expr, String expected) {
        assertThat(out("print " + expr + "\n")).isEqualTo(expected + "\n");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "length(5)              | Type error: expected array, string, or dict, found number",
                "length()               | Function 'length' expected 1 argument, got 0",
                "push(1, 2)             | Type error: expected array, found number",
                "push([1])              | Function 'push' expected 2 arguments, got 1",
                "pop([])                | Cannot pop from an empty array",
                "pop(\"x\")             | Type error: expected array, found string",
                "reverse({})            | Type error: expected array, found dict",
                "slice([1], \"a\", 1)   | Array index must be a number",
                "slice(5, 0, \"b\")     | Array index must be a number",
                "slice(5, 0, 1)         | Type error: expected array, found number",
                "slice([1, 2], 2, 1)    | slice() start 2 cannot be greater than end 1",
                "slice([1, 2], 0, 3)    | slice() end index 3 out of bounds (length: 2)",
                "range(1, \"2\")        | Type error: expected number, found string",
                "map(1, 2)              | Type error: expected array, found number",
                "map([1], 2)            | Type error: expected function, found number",
                "map([1], fn(a, b) { }) | Function '__lambda_2_0' expected 2 arguments, got 1",
                "filter([1], fn() { })  | Function '__lambda_2_0' expected 0 arguments, got 1",
                "reduce([1], fn(a) { }, 0) | Function '__lambda_2_0' expected 1 argument, got 2",
                "keys([])               | Type error: expected dict, found array",
                "values(1)              | Type error: expected dict, found number",
                "has_key([], 1)         | Type error: expected dict, found array",
                "has_key({}, true)      | Type error: expected string or number (as dict key), found bool",
                "char_at(1, 1)          | Type error: expected string, number, found wrong types",
                "char_at(\"ab\", 2)     | Array index 2 out of bounds (length: 2)",
                "substr(\"a\", \"b\", 1) | Type error: expected string, number, number, found wrong types",
                "ord(\"\")              | Type error: expected non-empty string, found empty string",
                "ord(1)                 | Type error: expected string, found number",
                "num_to_str(\"1\")      | Type error: expected number, found string",
                "str_to_num(1)          | Type error: expected string, found number",
                "str_to_num(\"0x10\")   | Type error: expected numeric string, found \"0x10\"",
                "str_to_num(\" 1 2 \")  | Type error: expected numeric string, found \" 1 2 \"",
                "num_to_hex(true)       | Type error: expected number, found bool",
                "type_of(1, 2)          | Function 'type_of' expected 1 argument, got 2",
                "assert(false)          | Assertion failed: assertion failed",
                "assert(0, [1, \"a\"])  | Assertion failed: [1, a]",
                "assert()               | Function 'assert' expected 2 arguments, got 0",
                "assert(1, 2, 3)        | Function 'assert' expected 2 arguments, got 3",
                "exit(1, 2)             | Function 'exit' expected 1 argument, got 2",
                "exit(\"x\")            | Type error: expected number, found string",
                "input(1, 2)            | Function 'input' expected 1 argument, got 2",
                "input(5)               | Type error: expected string, found number",
                "read_file(1)           | Type error: expected string, found number",
                "read_file(\"/nonexistent/whispem\") | Failed to read '/nonexistent/whispem':"
                        + " No such file or directory (os error 2)",
                "read_file(\"/tmp\")    | Failed to read '/tmp': Is a directory (os error 21)",
                "write_file(1, 2)       | Type error: expected string, found number",
                "write_file(\"/nonexistent/x\", 2) | Failed to write '/nonexistent/x':"
                        + " No such file or directory (os error 2)",
                "write_hex(\"/tmp/x\", 1) | Type error: expected string, found number",
                "write_hex(\"/tmp/x\", \"abc\") | Type error: expected hex string of even length,"
                        + " found string of length 3",
                "write_hex(\"/tmp/x\", \"éé\") | Type error: expected hex string of even length,"
                        + " found string of length 2",
                "args(1)                | Function 'args' expected 0 arguments, got 1",
            })
    void reportsErrors(String expr, String message) {
        assertThat(outAndErr("print 0\nprint " + expr + "\n"))
                .isEqualTo("0\nt.wsp: [line 2, col 0] Error: " + message + "\n");
        assertThat(TestRuns.run("print " + expr).status()).isEqualTo(1);
    }

    @Test
    void popDoesNotModifyItsArgument() {
        assertThat(out("let a = [1, 2]\nlet b = pop(a)\nprint a\nprint b\n"))
                .isEqualTo("[1, 2]\n2\n");
    }

    @Test
    void callbackErrorsReportTheCallbacksLine() {
        String source = "let xs = [1]\nmap(xs, fn(x) {\n  return x + true\n})\n";
        assertThat(outAndErr(source))
                .isEqualTo(
                        "t.wsp: [line 3, col 0] Error: Type error: expected number or string,"
                                + " found number and bool\n");
    }

    @Test
    void exitStatusIsLowEightBitsOfTruncatedCode() {
        assertThat(TestRuns.run("exit(3.9)").status()).isEqualTo(3);
        assertThat(TestRuns.run("exit(-1)").status()).isEqualTo(255);
        assertThat(TestRuns.run("exit(256)").status()).isZero();
        assertThat(TestRuns.run("print 1\nexit\nprint 2").stdoutText()).isEqualTo("1\n");
        assertThat(TestRuns.run("exit(100000000000000000000)").status()).isEqualTo(255);
    }

    @Test
    void inputReadsLinesAndStripsLineEndings() {
        var result =
                TestRuns.runSource(
                        "t.wsp",
                        "let a = input(\"name? \")\nlet b = input()\nlet c = input()\n"
                                + "print a + \"|\" + b + \"|\" + c + \"|\"\n",
                        "Ada\r\nBob\n");
        assertThat(result.stdoutText()).isEqualTo("name? Ada|Bob||\n");
    }

    @Test
    void argsAreStrings() {
        var result =
                TestRuns.runSource(
                        "t.wsp",
                        "print args()\nprint type_of(args()[0])\n",
                        "",
                        List.of("1", "two"),
                        WhispemVm.Options.DEFAULT);
        assertThat(result.stdoutText()).isEqualTo("[1, two]\nstring\n");
    }

    @Test
    void filesRoundTrip(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("a.txt");
        Path bin = dir.resolve("b.bin");
        String source =
                "write_file(\""
                        + text
                        + "\", {\"k\": [1, \"x\"]})\n"
                        + "print read_file(\""
                        + text
                        + "\")\n"
                        + "write_hex(\""
                        + bin
                        + "\", \"00ff7AzZ\")\n";
        assertThat(out(source)).isEqualTo("{\"k\": [1, x]}\n");
        assertThat(Files.readAllBytes(bin)).containsExactly(0x00, 0xff, 0x7a, 0x00);
        Files.write(text, new byte[] {(byte) 0xff});
        assertThat(outAndErr("print read_file(\"" + text + "\")"))
                .isEqualTo(
                        "t.wsp: [line 1, col 0] Error: Failed to read '"
                                + text
                                + "': stream did not contain valid UTF-8\n");
    }

    @Test
    void numToHexIsNotReservedAndCannotBeOverridden() {
        assertThat(out("fn num_to_hex(x) { return 1 }\nprint num_to_hex(0)\n"))
                .isEqualTo("0000000000000000\n");
    }

    @Test
    void nestedCallbacksSupportAThousandLevels() {
        String source =
                "let f = fn(n) {\n"
                        + "  if n == 0 { return 0 }\n"
                        + "  return reduce([1], fn(acc, x) { return f(n - 1) + x }, 0)\n"
                        + "}\n"
                        + "print f(1000)\n";
        assertThat(out(source)).isEqualTo("1000\n");
    }
}
