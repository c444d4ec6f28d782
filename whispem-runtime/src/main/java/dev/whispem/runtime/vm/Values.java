package dev.whispem.runtime.vm;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Operations every value supports: type names, truthiness, equality and the printed form. Values
 * are {@link Double}, {@link String}, {@link Boolean}, {@link NoneValue}, {@link WArray}, {@link
 * WDict} and {@link Closure}.
 */
public final class Values {
    /** 2^64 as a double: usize casts saturate at or above it. */
    private static final double TWO_POW_64 = 18446744073709551616.0;

    private Values() {}

    public static String typeName(Object v) {
        return switch (v) {
            case Double d -> "number";
            case String s -> "string";
            case Boolean b -> "bool";
            case WArray a -> "array";
            case WDict d -> "dict";
            case Closure c -> "function";
            default -> "none";
        };
    }

    /** SPEC §1: false, ±0, "", [], {} and none are falsy. NaN is truthy. */
    public static boolean truthy(Object v) {
        return switch (v) {
            case Boolean b -> b;
            case Double d -> d != 0;
            case String s -> !s.isEmpty();
            case WArray a -> a.size() > 0;
            case WDict d -> d.size() > 0;
            case Closure c -> true;
            default -> false;
        };
    }

    /** SPEC §7.5: containers and functions are never equal, not even to themselves. */
    public static boolean equal(Object a, Object b) {
        if (a instanceof Double x && b instanceof Double y) {
            return x.doubleValue() == y.doubleValue();
        }
        if (a instanceof String x && b instanceof String y) {
            return x.equals(y);
        }
        if (a instanceof Boolean x && b instanceof Boolean y) {
            return x.booleanValue() == y.booleanValue();
        }
        return a == NoneValue.NONE && b == NoneValue.NONE;
    }

    /** The printed form of SPEC §8. */
    public static String print(Object v) {
        if (v instanceof String s) {
            return s;
        }
        StringBuilder out = new StringBuilder();
        appendPrinted(out, v);
        return out.toString();
    }

    private static void appendPrinted(StringBuilder out, Object v) {
        switch (v) {
            case Double d -> out.append(NumberFormat.format(d));
            case String s -> out.append(s);
            case Boolean b -> out.append(b ? "true" : "false");
            case WArray a -> {
                out.append('[');
                for (int i = 0; i < a.size(); i++) {
                    if (i > 0) {
                        out.append(", ");
                    }
                    appendPrinted(out, a.get(i));
                }
                out.append(']');
            }
            case WDict d -> {
                // Whole rendered entries are sorted, not keys (SPEC §8.2).
                List<String> rendered = new ArrayList<>(d.size());
                for (Map.Entry<String, Object> e : d.entries().entrySet()) {
                    StringBuilder entry = new StringBuilder();
                    entry.append('"').append(e.getKey()).append("\": ");
                    appendPrinted(entry, e.getValue());
                    rendered.add(entry.toString());
                }
                rendered.sort(CodePoints::compare);
                out.append('{').append(String.join(", ", rendered)).append('}');
            }
            case Closure c -> out.append("<fn ").append(c.name()).append('>');
            default -> {
                // none prints as nothing
            }
        }
    }

    /**
     * Rust's {@code as usize} cast (SPEC §7.8): NaN and negatives become 0, fractions truncate,
     * large values saturate at 2^64-1. The result is an unsigned 64-bit value.
     */
    public static long usize(double x) {
        if (Double.isNaN(x) || x <= 0) {
            return 0;
        }
        if (x >= TWO_POW_64) {
            return -1L; // 2^64 - 1 as unsigned
        }
        if (x < 9.223372036854775807E18) {
            return (long) x;
        }
        return new BigDecimal(x).toBigInteger().longValue();
    }

    public static String usizeText(long usize) {
        return Long.toUnsignedString(usize);
    }

    /** Whether an unsigned index is inside [0, length). */
    public static boolean inRange(long usize, int length) {
        return Long.compareUnsigned(usize, length) < 0;
    }

    /** A dict key from a string or number (SPEC §7.7); null when the type is not allowed. */
    public static String toKey(Object v) {
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Double d) {
            return NumberFormat.numToStr(d);
        }
        return null;
    }
}
