package dev.whispem.runtime.vm;

import static dev.whispem.runtime.TestRuns.out;
import static dev.whispem.runtime.TestRuns.outAndErr;
import static org.assertj.core.api.Assertions.assertThat;

import dev.whispem.runtime.TestRuns;
import org.junit.jupiter.api.Test;

/** SPEC §16 decisions where we define behaviour, plus closure and value semantics. */
class DecisionsTest {

    @Test
    void d1ClosureWritesAreVisibleToTheEnclosingFunction() {
        String source =
                "fn counter() {\n"
                        + "  let n = 0\n"
                        + "  let inc = fn() { let n = n + 1 }\n"
                        + "  inc()\n"
                        + "  inc()\n"
                        + "  return n\n"
                        + "}\n"
                        + "print counter()\n";
        assertThat(out(source)).isEqualTo("2\n");
    }

    @Test
    void d1ClosuresOfOneCallShareOneCell() {
        String source =
                "fn pair() {\n"
                        + "  let v = 1\n"
                        + "  let get = fn() { return v }\n"
                        + "  let set = fn(x) { let v = v\n let v = x }\n"
                        + "  return [get, set]\n"
                        + "}\n"
                        + "let p = pair()\n"
                        + "p[1](42)\n"
                        + "print p[0]()\n";
        assertThat(out(source)).isEqualTo("42\n");
    }

    @Test
    void d2ReturnAtTopLevelEndsNormally() {
        var result = TestRuns.run("print 1\nreturn 5\nprint 2\n");
        assertThat(result.stdoutText()).isEqualTo("1\n");
        assertThat(result.status()).isZero();
        assertThat(TestRuns.run("print 1\nreturn\nprint 2\n").stdoutText()).isEqualTo("1\n");
    }

    @Test
    void d5NestedFunctionDeclarationsAreIgnored() {
        assertThat(
                        outAndErr(
                                "fn outer() {\n  fn inner() { }\n  return 1\n}\nprint outer()\ninner()\n"))
                .isEqualTo("1\nt.wsp: [line 6, col 0] Error: Undefined function: 'inner'\n");
    }

    @Test
    void d7SubstrNeverOverflows() {
        assertThat(out("print substr(\"hello\", 2, 100000000000000000000)\n")).isEqualTo("llo\n");
        assertThat(out("print substr(\"hello\", 100000000000000000000, 3) + \"|\"\n"))
                .isEqualTo("|\n");
    }

    @Test
    void d8DeepRecursionWorksAndOverflowIsReported() {
        String deep =
                "fn down(n) {\n  if n == 0 { return 0 }\n  return down(n - 1) + 1\n}\n"
                        + "print down(100000)\n";
        assertThat(out(deep)).isEqualTo("100000\n");
        String endless = "fn f(n) {\n  return f(n + 1)\n}\nf(0)\n";
        assertThat(outAndErr(endless))
                .isEqualTo(
                        "t.wsp: [line 2, col 0] Error: Stack overflow: call depth exceeds 200000\n");
    }

    @Test
    void d10ExitSaturatesThenTruncates() {
        assertThat(TestRuns.run("exit(-100000000000000000000)").status()).isZero();
        assertThat(TestRuns.run("exit(258.7)").status()).isEqualTo(2);
    }

    @Test
    void valueSemanticsOfArraysAndDicts() {
        String source =
                "let a = [1, 2]\n"
                        + "let b = a\n"
                        + "b[0] = 9\n"
                        + "print a\n"
                        + "print b\n"
                        + "fn poke(x) {\n  x[0] = 5\n  return x\n}\n"
                        + "print poke(a)\n"
                        + "print a\n"
                        + "let grid = [[1], [2]]\n"
                        + "let row = grid[1]\n"
                        + "row[0] = 7\n"
                        + "print grid\n"
                        + "grid[1] = row\n"
                        + "print grid\n"
                        + "let d = {\"k\": 1}\n"
                        + "let e = d\n"
                        + "e[\"k\"] = 2\n"
                        + "e[3] = 4\n"
                        + "print d\n"
                        + "print e\n";
        assertThat(out(source))
                .isEqualTo(
                        "[1, 2]\n[9, 2]\n[5, 2]\n[1, 2]\n[[1], [2]]\n[[1], [7]]\n{\"k\": 1}\n"
                                + "{\"3\": 4, \"k\": 2}\n");
    }

    @Test
    void closuresInALoopShareTheVariable() {
        String source =
                "fn make() {\n"
                        + "  let fs = []\n"
                        + "  let v = 0\n"
                        + "  for i in [1, 2, 3] {\n"
                        + "    let v = i\n"
                        + "    let fs = push(fs, fn() { return v })\n"
                        + "  }\n"
                        + "  return map(fs, fn(f) { return f() })\n"
                        + "}\n"
                        + "print make()\n";
        assertThat(out(source)).isEqualTo("[3, 3, 3]\n");
    }

    @Test
    void captureRelaysThroughIntermediateLambdas() {
        String source =
                "fn outer(a) {\n"
                        + "  return fn() {\n"
                        + "    return fn() { return a * 2 }\n"
                        + "  }\n"
                        + "}\n"
                        + "print outer(21)()()\n";
        assertThat(out(source)).isEqualTo("42\n");
    }

    @Test
    void duplicateParametersFirstArgumentWins() {
        assertThat(out("fn f(a, a) { return a }\nprint f(1, 2)\n")).isEqualTo("1\n");
    }

    @Test
    void laterNamedFunctionWins() {
        assertThat(out("fn f() { return 1 }\nfn f() { return 2 }\nprint f()\n")).isEqualTo("2\n");
    }

    @Test
    void globalLambdaHidesNamedFunction() {
        assertThat(out("fn f() { return 1 }\nlet f = fn() { return 2 }\nprint f()\n"))
                .isEqualTo("2\n");
        assertThat(out("fn f() { return 1 }\nlet f = 5\nprint f()\n")).isEqualTo("1\n");
    }

    @Test
    void forLoopsIterateOverASnapshot() {
        String source =
                "let xs = [1, 2]\n"
                        + "for x in xs {\n  let xs = push(xs, x)\n  print x\n}\n"
                        + "print xs\nprint x\nprint __idx_0\n"
                        + "for y in [] { }\n";
        assertThat(out(source)).isEqualTo("1\n2\n[1, 2, 1, 2]\n2\n2\n");
        assertThat(outAndErr("for c in \"ab\" { print c }\n"))
                .isEqualTo(
                        "t.wsp: [line 1, col 0] Error: Type error: expected array or dict, found"
                                + " string\n");
        assertThat(outAndErr("for c in 5 { }\n"))
                .isEqualTo(
                        "t.wsp: [line 1, col 0] Error: Type error: expected array, string, or"
                                + " dict, found number\n");
    }

    @Test
    void breakAndContinue() {
        String source =
                "for i in range(0, 10) {\n"
                        + "  if i == 1 { continue }\n"
                        + "  if i == 3 { break }\n"
                        + "  print i\n"
                        + "}\n"
                        + "let j = 0\n"
                        + "while true {\n"
                        + "  let j = j + 1\n"
                        + "  if j < 3 { continue }\n"
                        + "  print j\n"
                        + "  break\n"
                        + "}\n";
        assertThat(out(source)).isEqualTo("0\n2\n3\n");
    }

    @Test
    void fStringsAreAdditionChains() {
        assertThat(out("print f\"{1}{2}\"\nprint f\"{1}{2}!\"\nprint type_of(f\"{[1]}\")\n"))
                .isEqualTo("3\n3!\narray\n");
        assertThat(out("print f\"{1 2}\"\nprint f\"a\\{b\\}\"\nprint f\"\" + \"|\"\n"))
                .isEqualTo("1\na{b}\n|\n");
    }
}
