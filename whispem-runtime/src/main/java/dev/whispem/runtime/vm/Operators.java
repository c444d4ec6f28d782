package dev.whispem.runtime.vm;

import dev.whispem.runtime.bytecode.Opcode;

/** Arithmetic, comparison and indexing semantics of SPEC §7. */
final class Operators {
    /** Strings longer than this are refused instead of exhausting the heap. */
    static final int MAX_STRING_CHARS = 1 << 28;

    private Operators() {}

    static Object add(Object a, Object b, long line) {
        if (a instanceof Double x && b instanceof Double y) {
            return x + y;
        }
        if (a instanceof String || b instanceof String) {
            String left = Values.print(a);
            String right = Values.print(b);
            if ((long) left.length() + right.length() > MAX_STRING_CHARS) {
                throw new WhispemError(
                        line,
                        "Out of memory: strings are limited to "
                                + MAX_STRING_CHARS
                                + " characters");
            }
            return left.concat(right);
        }
        throw new WhispemError(
                line,
                "Type error: expected number or string, found "
                        + Values.typeName(a)
                        + " and "
                        + Values.typeName(b));
    }

    static Object arithmetic(int op, Object a, Object b, long line) {
        if (!(a instanceof Double x) || !(b instanceof Double y)) {
            throw new WhispemError(
                    line,
                    "Type error: expected number, found "
                            + Values.typeName(a)
                            + " and "
                            + Values.typeName(b));
        }
        double l = x;
        double r = y;
        return switch (op) {
            case Opcode.SUB -> l - r;
            case Opcode.MUL -> l * r;
            case Opcode.DIV -> {
                if (r == 0) {
                    throw new WhispemError(WhispemError.NO_LINE, "Division by zero");
                }
                yield l / r;
            }
            default -> {
                if (r == 0) {
                    throw new WhispemError(WhispemError.NO_LINE, "Division by zero");
                }
                yield l % r; // Java's % on doubles is C fmod: truncated remainder
            }
        };
    }

    static Boolean compare(int op, Object a, Object b, long line) {
        int cmp;
        if (a instanceof Double x && b instanceof Double y) {
            double l = x;
            double r = y;
            return switch (op) {
                case Opcode.LT -> l < r;
                case Opcode.LTE -> l <= r;
                case Opcode.GT -> l > r;
                default -> l >= r;
            };
        } else if (a instanceof String x && b instanceof String y) {
            cmp = CodePoints.compare(x, y);
        } else {
            throw new WhispemError(
                    line,
                    "Type error: expected number or string, found "
                            + Values.typeName(a)
                            + " and "
                            + Values.typeName(b));
        }
        return switch (op) {
            case Opcode.LT -> cmp < 0;
            case Opcode.LTE -> cmp <= 0;
            case Opcode.GT -> cmp > 0;
            default -> cmp >= 0;
        };
    }

    static Object getIndex(Object target, Object index, long line) {
        if (target instanceof WArray array) {
            return array.get(arrayIndex(array, index, line));
        }
        if (target instanceof WDict dict) {
            String key = dictKey(index, line);
            Object value = dict.get(key);
            if (value == null) {
                throw new WhispemError(
                        line, "Undefined variable: 'key \"" + key + "\" not found in dict'");
            }
            return value;
        }
        throw notIndexable(target, line);
    }

    static Object setIndex(Object target, Object index, Object value, long line) {
        if (target instanceof WArray array) {
            return array.with(arrayIndex(array, index, line), value);
        }
        if (target instanceof WDict dict) {
            return dict.with(dictKey(index, line), value);
        }
        throw notIndexable(target, line);
    }

    private static WhispemError notIndexable(Object target, long line) {
        return new WhispemError(
                line, "Type error: expected array or dict, found " + Values.typeName(target));
    }

    /** The usize conversion of §7.8 followed by the bounds check. */
    static int arrayIndex(WArray array, Object index, long line) {
        if (!(index instanceof Double d)) {
            throw new WhispemError(line, "Array index must be a number");
        }
        long i = Values.usize(d);
        if (!Values.inRange(i, array.size())) {
            throw outOfBounds(i, array.size(), line);
        }
        return (int) i;
    }

    static WhispemError outOfBounds(long usize, int length, long line) {
        return new WhispemError(
                line,
                "Array index "
                        + Values.usizeText(usize)
                        + " out of bounds (length: "
                        + length
                        + ")");
    }

    static String dictKey(Object index, long line) {
        String key = Values.toKey(index);
        if (key == null) {
            throw new WhispemError(
                    line,
                    "Type error: expected string or number (as dict key), found "
                            + Values.typeName(index));
        }
        return key;
    }
}
