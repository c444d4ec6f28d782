package dev.whispem.runtime.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whispem.runtime.CompileResult;
import dev.whispem.runtime.Diagnostic;
import dev.whispem.runtime.Whispem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Lexer, parser and code-generator diagnostics (SPEC §2, §3, §10, D3, D4, D6). */
class CompileErrorsTest {

    static String diagnostic(String source) {
        CompileResult result = Whispem.compile("c.wsp", source);
        assertThat(result).isInstanceOf(CompileResult.Failed.class);
        Diagnostic d = ((CompileResult.Failed) result).diagnostics().getFirst();
        return d.format("c.wsp");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "let x = 1 @ 2          | [line 1, col 11] Error: Unexpected character: '@'",
                "print .5               | [line 1, col 7] Error: Unexpected character: '.'",
                "print 5.               | [line 1, col 8] Error: Unexpected character: '.'",
                "print \"abc            | [line 1, col 7] Error: Unterminated string literal",
                "print f\"a{1}          | [line 1, col 7] Error: Unterminated string literal",
                "print \"a\\            | [line 1, col 7] Error: Unterminated string literal",
                "let = 1                | [line 1, col 5] Error: Expected identifier, found '='",
                "let x 1                | [line 1, col 7] Error: Expected '=', found number '1'",
                "let x = 3.50 3.5 .     | [line 1, col 18] Error: Unexpected character: '.'",
                "let x =                | [line 1, col 8] Error: Expected expression, found end of file",
                "x                      | [line 1, col 2] Error: Expected '(' or '[', found end of file",
                "x = 1                  | [line 1, col 3] Error: Expected '(' or '[', found '='",
                "(1 + 2)                | [line 1, col 1] Error: Expected statement, found '('",
                "length(x)              | [line 1, col 1] Error: Expected statement, found 'length'",
                "fn(x) { }              | [line 1, col 1] Error: Expected statement, found 'fn'",
                "a[0][1] = 2            | [line 1, col 9] Error: Expected statement, found '='",
                "f(1)(2)                | [line 1, col 5] Error: Expected statement, found '('",
                "print 1 +              | [line 1, col 10] Error: Expected expression, found end of file",
                "if x { print 1         | [line 1, col 15] Error: Unexpected end of file",
                "if x                   | [line 1, col 5] Error: Expected '{', found end of file",
                "for 1 in x { }         | [line 1, col 5] Error: Expected identifier, found number '1'",
                "for i x { }            | [line 1, col 7] Error: Expected 'in', found identifier 'x'",
                "print [1, 2            | [line 1, col 12] Error: Expected ']', found end of file",
                "print {\"a\" 1}        | [line 1, col 12] Error: Expected ':', found number '1'",
                "print {\"a\": 1        | [line 1, col 14] Error: Expected '}', found end of file",
                "print f(1, 2           | [line 1, col 13] Error: Expected ')', found end of file",
                "fn f(a b) { }          | [line 1, col 8] Error: Expected ')', found identifier 'b'",
                "print \"s\" \"t\"      | [line 1, col 11] Error: Expected statement, found string \"t\"",
                "print 1 f\"x\"         | [line 1, col 9] Error: Expected statement, found f-string",
                "} else { }             | [line 1, col 1] Error: Expected statement, found '}'",
                "print f\"{}\"          | [line 1, col 1] Error: Expected expression, found end of file",
                "print f\"{1 +}\"       | [line 1, col 4] Error: Expected expression, found end of file",
                "break                  | [line 1, col 0] Error: 'break' used outside of a loop",
                "continue               | [line 1, col 0] Error: 'continue' used outside of a loop",
                "let assert = 1         | [line 1, col 5] Error: Expected identifier, found 'assert'",
            })
    void reportsFirstError(String source, String expected) {
        assertThat(diagnostic(source)).isEqualTo("c.wsp: " + expected);
    }

    @Test
    void newlinesEndExpressionsOutsideLiterals() {
        assertThat(diagnostic("print 1 +\n2"))
                .isEqualTo("c.wsp: [line 1, col 10] Error: Expected expression, found newline");
        assertThat(diagnostic("if true\n{ }"))
                .isEqualTo("c.wsp: [line 1, col 8] Error: Expected '{', found newline");
        assertThat(diagnostic("if true { } else\n{ }"))
                .isEqualTo("c.wsp: [line 1, col 17] Error: Expected '{', found newline");
        assertThat(diagnostic("if true { }\nelse else { }"))
                .isEqualTo("c.wsp: [line 2, col 6] Error: Expected '{', found 'else'");
    }

    @Test
    void elseIfTokenIsDescribed() {
        assertThat(diagnostic("print 1\nelse\n\nif x { }"))
                .isEqualTo("c.wsp: [line 2, col 1] Error: Expected statement, found 'else if'");
    }

    @Test
    void columnsCountCodePoints() {
        assertThat(diagnostic("let é = \"😀\" @"))
                .isEqualTo("c.wsp: [line 1, col 13] Error: Unexpected character: '@'");
        assertThat(diagnostic("let x😀 = 1"))
                .isEqualTo("c.wsp: [line 1, col 6] Error: Unexpected character: '😀'");
        assertThat(diagnostic("print\u00A01"))
                .isEqualTo("c.wsp: [line 1, col 6] Error: Unexpected character: '\u00A0'");
    }

    @Test
    void breakInsideLambdaInsideLoopIsRejected() {
        // D6: the lambda body has no loop of its own.
        assertThat(diagnostic("while true {\n  let f = fn() {\n    break\n  }\n}\n"))
                .isEqualTo("c.wsp: [line 3, col 0] Error: 'break' used outside of a loop");
    }

    @Test
    void sizeLimits() {
        // D4: more than 255 array elements, dict entries or call arguments.
        String elements = "1, ".repeat(255) + "1";
        assertThat(diagnostic("print [" + elements + "]"))
                .isEqualTo(
                        "c.wsp: [line 1, col 0] Error: Too many elements in array literal (max 255)");
        String pairs = "\"a\": 1, ".repeat(255) + "\"a\": 1";
        assertThat(diagnostic("print {" + pairs + "}"))
                .isEqualTo(
                        "c.wsp: [line 1, col 0] Error: Too many entries in dict literal (max 255)");
        assertThat(diagnostic("print f(" + elements + ")"))
                .isEqualTo("c.wsp: [line 1, col 0] Error: Too many arguments in call (max 255)");
        assertThat(diagnostic("let x = 0\n" + "let x = x + 1\n".repeat(14000)))
                .isEqualTo(
                        "c.wsp: [line 9363, col 0] Error: Function too large: code exceeds 65535"
                                + " bytes");
    }

    @Test
    void tooManyConstants() {
        // D3: the 257th constant fails to compile; exactly 256 compiles but cannot be written.
        StringBuilder source = new StringBuilder();
        for (int i = 0; i < 257; i++) {
            source.append("print ").append(i).append('\n');
        }
        assertThat(diagnostic(source.toString()))
                .isEqualTo(
                        "c.wsp: [line 257, col 0] Error: Too many constants in one function (max 256).");
        StringBuilder exactly = new StringBuilder();
        for (int i = 0; i < 256; i++) {
            exactly.append("print ").append(i).append('\n');
        }
        assertThat(diagnostic(exactly.toString()))
                .isEqualTo("c.wsp: Error: Serialization error: too many constants in '<main>'");
    }

    @Test
    void deepNestingIsADiagnosticNotACrash() {
        String deep = "print " + "(".repeat(100_000) + "1" + ")".repeat(100_000);
        assertThat(diagnostic(deep)).contains("Nesting too deep");
        String unary = "print " + "-".repeat(100_000) + "1";
        assertThat(diagnostic(unary)).contains("Nesting too deep");
        String blocks = "if 1 {\n".repeat(5000);
        assertThat(diagnostic(blocks)).contains("Nesting too deep");
        String fstrings = "print " + "f\"{".repeat(3000) + "1" + "}\"".repeat(3000);
        assertThat(diagnostic(fstrings)).contains("Nesting too deep");
    }
}
