package dev.whispem.runtime.vm;

import static dev.whispem.runtime.TestRuns.out;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SPEC §8.1 and Appendix A: print and num_to_str of numbers. */
class NumberFormatTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "42                  | 42                                  | 42",
                "-0                  | 0                                   | 0",
                "2.5                 | 2.5                                 | 2.5",
                "1/3                 | 0.3333333333333333                  | 0.3333333333333333",
                "4.35*100            | 434.99999999999994                  | 434.99999999999994",
                "1000000000000000    | 1000000000000000                    | 1000000000000000",
                "100000000000000000000 | 100000000000000000000             | 9223372036854775807",
                "-100000000000000000000 | -100000000000000000000           | -9223372036854775808",
                "9007199254740993    | 9007199254740992                    | 9007199254740992",
                "1/1152921504606846976 | 0.0000000000000000008673617379884035 |"
                        + " 0.0000000000000000008673617379884035",
                "1/1000000000000     | 0.000000000001                      | 0.000000000001",
                "0.1+0.2             | 0.30000000000000004                 | 0.30000000000000004",
                "100*1.1             | 110.00000000000001                  | 110.00000000000001",
                "1000000000000000+0.5 | 1000000000000000.5                 | 1000000000000000.5",
                "1/1000000           | 0.000001                            | 0.000001",
                "123456789*1000000000 | 123456789000000000                 | 123456789000000000",
                "7.0                 | 7                                   | 7",
            })
    void printsAndConverts(String expr, String printed, String converted) {
        assertThat(out("print " + expr + "\nprint num_to_str(" + expr + ")\n"))
                .isEqualTo(printed + "\n" + converted + "\n");
    }

    @org.junit.jupiter.api.Test
    void printsInfinityAndNaN() {
        String huge = "1" + "0".repeat(400); // lexes to +infinity
        assertThat(out("let i = " + huge + "\nprint i\nprint 0 - i\nprint i - i\n"))
                .isEqualTo("inf\n-inf\nNaN\n");
        assertThat(out("print 2361183241434822606848\n")).isEqualTo("2361183241434822600000\n");
    }

    @org.junit.jupiter.api.Test
    void deepSubnormalsUseOneDigitWhenItRoundTrips() {
        assertThat(NumberFormat.shortestPlain(Double.MIN_VALUE))
                .isEqualTo("0." + "0".repeat(323) + "5");
        assertThat(NumberFormat.format(1e300)).hasSize(301);
        assertThat(NumberFormat.format(Math.pow(2, -30))).isEqualTo("0.0000000009313225746154785");
    }
}
