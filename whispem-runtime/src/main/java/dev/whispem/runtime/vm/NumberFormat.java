package dev.whispem.runtime.vm;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** Number-to-text conversions of SPEC §8.1, §9 ({@code num_to_str}) and Appendix A. */
public final class NumberFormat {
    private static final double INTEGER_PRINT_LIMIT = 1e15;

    private NumberFormat() {}

    /** The printed form used by {@code print}, {@code +} with strings and containers. */
    public static String format(double x) {
        if (isWhole(x) && Math.abs(x) < INTEGER_PRINT_LIMIT) {
            return Long.toString((long) x);
        }
        return shortestPlain(x);
    }

    /** {@code num_to_str}: whole numbers go through a saturating i64 cast, no 1e15 rule. */
    public static String numToStr(double x) {
        if (isWhole(x)) {
            return Long.toString((long) x);
        }
        return shortestPlain(x);
    }

    /** Rust's float Display, used to describe number tokens in parse errors. */
    public static String display(double x) {
        if (x == 0) {
            return "0";
        }
        return shortestPlain(x);
    }

    private static boolean isWhole(double x) {
        return !Double.isInfinite(x) && !Double.isNaN(x) && x == Math.rint(x);
    }

    /**
     * Shortest round-trip digits in positional notation. {@code Double.toString} is shortest except
     * that it never uses a single significant digit; deep subnormals such as 5e-324 need that, so a
     * one-digit candidate is tried whenever two digits came out.
     */
    static String shortestPlain(double x) {
        if (Double.isNaN(x)) {
            return "NaN";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "inf" : "-inf";
        }
        if (x == 0) {
            return "0";
        }
        BigDecimal digits = new BigDecimal(Double.toString(x)).stripTrailingZeros();
        if (digits.precision() == 2) {
            digits = preferOneDigit(x, digits);
        }
        return digits.toPlainString();
    }

    private static BigDecimal preferOneDigit(double x, BigDecimal twoDigits) {
        BigDecimal exact = new BigDecimal(x);
        BigDecimal best = null;
        for (RoundingMode mode : new RoundingMode[] {RoundingMode.FLOOR, RoundingMode.CEILING}) {
            BigDecimal candidate = twoDigits.round(new MathContext(1, mode));
            if (candidate.doubleValue() != x) {
                continue;
            }
            if (best == null
                    || candidate.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0) {
                best = candidate;
            }
        }
        return best == null ? twoDigits : best.stripTrailingZeros();
    }
}
