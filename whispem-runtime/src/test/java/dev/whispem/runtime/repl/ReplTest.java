package dev.whispem.runtime.repl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The REPL driven through in-memory streams. */
class ReplTest {
    private record Session(int status, String out, String err) {}

    private static Session repl(String input) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status =
                new Repl(
                                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                                new PrintStream(out, true, StandardCharsets.UTF_8),
                                new PrintStream(err, true, StandardCharsets.UTF_8))
                        .run();
        return new Session(
                status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void variablesAndFunctionsPersistBetweenEntries() {
        Session s = repl("let x = 20\nfn add(a) {\n  return a + x\n}\nprint add(22)\n");
        assertThat(s.out())
                .isEqualTo("Whispem 6 REPL. Ctrl-D to quit.\n>>> >>> ... ... >>> 42\n>>> \n");
        assertThat(s.err()).isEmpty();
        assertThat(s.status()).isZero();
    }

    @Test
    void errorsAreReportedAndTheSessionContinues() {
        Session s = repl("print nope\nlet = 1\nprint \"still here\"\n");
        assertThat(s.err())
                .isEqualTo(
                        "<repl>: [line 1, col 0] Error: Undefined variable: 'nope'\n"
                                + "<repl>: [line 1, col 5] Error: Expected identifier, found '='\n");
        assertThat(s.out()).contains("still here\n");
    }

    @Test
    void bareExpressionsArePrinted() {
        assertThat(repl("1 + 2\nlength([1, 2])\n").out()).contains("3\n").contains("2\n");
    }

    @Test
    void inputReadsFromTheSameStream() {
        Session s = repl("let name = input(\"who? \")\nAda\nprint \"hi \" + name\n");
        assertThat(s.out()).contains("who? ").contains("hi Ada\n");
    }

    @Test
    void exitEndsTheSessionWithItsStatus() {
        Session s = repl("print 1\nexit(3)\nprint 2\n");
        assertThat(s.status()).isEqualTo(3);
        assertThat(s.out()).doesNotContain("2\n");
    }

    @Test
    void bracketCounterIgnoresStringsAndComments() {
        assertThat(Repl.openBrackets("print \"{\" # {\n")).isZero();
        assertThat(Repl.openBrackets("if x {\n")).isEqualTo(1);
    }
}
