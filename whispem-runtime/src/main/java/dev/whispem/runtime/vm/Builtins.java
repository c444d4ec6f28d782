package dev.whispem.runtime.vm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** The builtin functions of SPEC §9 and the program's standard streams. */
final class Builtins {
    static final int MAX_ARRAY_LENGTH = 1 << 26;

    private static final Set<String> NAMES =
            Set.of(
                    "length",
                    "push",
                    "pop",
                    "reverse",
                    "slice",
                    "range",
                    "map",
                    "filter",
                    "reduce",
                    "keys",
                    "values",
                    "has_key",
                    "char_at",
                    "substr",
                    "ord",
                    "num_to_str",
                    "str_to_num",
                    "num_to_hex",
                    "type_of",
                    "assert",
                    "exit",
                    "input",
                    "read_file",
                    "write_file",
                    "write_hex",
                    "args");

    /** Rust's {@code f64::from_str} grammar after trimming (SPEC §9 {@code str_to_num}). */
    private static final Pattern DECIMAL =
            Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private static final Pattern SPECIAL = Pattern.compile("[+-]?(inf|infinity|nan)");

    private final Interpreter vm;
    private final List<String> args;
    private final InputStream stdin;
    private final OutputStream stdout;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final boolean fileAccess;

    Builtins(
            Interpreter vm,
            List<String> args,
            InputStream stdin,
            OutputStream stdout,
            boolean fileAccess) {
        this.vm = vm;
        this.fileAccess = fileAccess;
        this.args = List.copyOf(args);
        this.stdin = stdin;
        this.stdout = stdout;
    }

    static boolean isBuiltin(String name) {
        return NAMES.contains(name);
    }

    // ---- standard output: buffered, flushed at the points SPEC §6 names -------------------

    void printLine(String text) {
        pending.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        pending.write('\n');
        if (pending.size() >= 8192) {
            flush();
        }
    }

    void flush() {
        try {
            pending.writeTo(stdout);
            pending.reset();
            stdout.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- dispatch ------------------------------------------------------------------------

    Object call(String name, Object[] a, long line) {
        return switch (name) {
            case "length" -> {
                arity(name, 1, a, line);
                yield switch (a[0]) {
                    case WArray array -> (double) array.size();
                    case String s -> (double) CodePoints.length(s);
                    case WDict dict -> (double) dict.size();
                    default -> throw typeError("array, string, or dict", a[0], line);
                };
            }
            case "push" -> {
                arity(name, 2, a, line);
                WArray array = array(a[0], line);
                checkLength(array.size() + 1L, line);
                vm.charge(array.size());
                yield array.append(a[1]);
            }
            case "pop" -> {
                arity(name, 1, a, line);
                WArray array = array(a[0], line);
                if (array.size() == 0) {
                    throw new WhispemError(line, "Cannot pop from an empty array");
                }
                yield array.get(array.size() - 1);
            }
            case "reverse" -> {
                arity(name, 1, a, line);
                WArray array = array(a[0], line);
                vm.charge(array.size());
                yield array.reversed();
            }
            case "slice" -> slice(a, line);
            case "range" -> range(a, line);
            case "map", "filter" -> mapOrFilter(name, a, line);
            case "reduce" -> {
                arity(name, 3, a, line);
                WArray array = array(a[0], line);
                Object acc = a[2];
                for (int i = 0; i < array.size(); i++) {
                    acc = vm.invoke(a[1], new Object[] {acc, array.get(i)}, line);
                }
                yield acc;
            }
            case "keys" -> {
                arity(name, 1, a, line);
                vm.charge(dict(a[0], line).size());
                yield new WArray(dict(a[0], line).sortedKeys().toArray());
            }
            case "values" -> {
                arity(name, 1, a, line);
                WDict dict = dict(a[0], line);
                vm.charge(dict.size());
                yield new WArray(dict.sortedKeys().stream().map(dict::get).toArray());
            }
            case "has_key" -> {
                arity(name, 2, a, line);
                WDict dict = dict(a[0], line);
                String key = Values.toKey(a[1]);
                if (key == null) {
                    throw typeError("string or number (as dict key)", a[1], line);
                }
                yield dict.containsKey(key);
            }
            case "char_at" -> charAt(a, line);
            case "substr" -> substr(a, line);
            case "ord" -> {
                arity(name, 1, a, line);
                if (!(a[0] instanceof String s)) {
                    throw typeError("string", a[0], line);
                }
                if (s.isEmpty()) {
                    throw new WhispemError(
                            line, "Type error: expected non-empty string, found empty string");
                }
                yield (double) s.codePointAt(0);
            }
            case "num_to_str" -> {
                arity(name, 1, a, line);
                yield NumberFormat.numToStr(number(a[0], line));
            }
            case "str_to_num" -> {
                arity(name, 1, a, line);
                if (!(a[0] instanceof String s)) {
                    throw typeError("string", a[0], line);
                }
                yield parseNumber(s, line);
            }
            case "num_to_hex" -> {
                arity(name, 1, a, line);
                long bits = Double.doubleToRawLongBits(number(a[0], line));
                yield String.format("%016x", bits);
            }
            case "type_of" -> {
                arity(name, 1, a, line);
                yield Values.typeName(a[0]);
            }
            case "assert" -> {
                if (a.length == 0 || a.length > 2) {
                    throw Interpreter.arity(name, 2, a.length, line);
                }
                if (!Values.truthy(a[0])) {
                    String message = a.length == 2 ? Values.print(a[1]) : "assertion failed";
                    throw new WhispemError(line, "Assertion failed: " + message);
                }
                yield NoneValue.NONE;
            }
            case "exit" -> {
                if (a.length > 1) {
                    throw Interpreter.arity(name, 1, a.length, line);
                }
                int status = a.length == 0 ? 0 : (int) (long) number(a[0], line);
                throw new Signals.Exit(status & 0xFF);
            }
            case "input" -> input(a, line);
            case "read_file" -> {
                arity(name, 1, a, line);
                String path = string(a[0], line);
                if (!fileAccess) {
                    throw new WhispemError(line, "Failed to read '" + path + "': " + DENIED);
                }
                yield readFile(path, line);
            }
            case "write_file" -> {
                arity(name, 2, a, line);
                String path = string(a[0], line);
                checkWritable(path, line);
                writeFile(path, Values.print(a[1]).getBytes(StandardCharsets.UTF_8), line);
                yield NoneValue.NONE;
            }
            case "write_hex" -> {
                arity(name, 2, a, line);
                checkWritable(string(a[0], line), line);
                yield writeHex(a, line);
            }
            case "args" -> {
                arity(name, 0, a, line);
                yield new WArray(args.toArray());
            }
            default -> throw new IllegalStateException("not a builtin: " + name);
        };
    }

    private static final String DENIED = "Permission denied (os error 13)";

    private void checkWritable(String path, long line) {
        if (!fileAccess) {
            throw new WhispemError(line, "Failed to write '" + path + "': " + DENIED);
        }
    }

    // ---- argument helpers ----------------------------------------------------------------

    private static void arity(String name, int expected, Object[] a, long line) {
        if (a.length != expected) {
            throw Interpreter.arity(name, expected, a.length, line);
        }
    }

    static WhispemError typeError(String expected, Object found, long line) {
        return new WhispemError(
                line, "Type error: expected " + expected + ", found " + Values.typeName(found));
    }

    private static WArray array(Object v, long line) {
        if (v instanceof WArray array) {
            return array;
        }
        throw typeError("array", v, line);
    }

    private static WDict dict(Object v, long line) {
        if (v instanceof WDict dict) {
            return dict;
        }
        throw typeError("dict", v, line);
    }

    private static double number(Object v, long line) {
        if (v instanceof Double d) {
            return d;
        }
        throw typeError("number", v, line);
    }

    private static String string(Object v, long line) {
        if (v instanceof String s) {
            return s;
        }
        throw typeError("string", v, line);
    }

    private static void checkLength(long length, long line) {
        if (length > MAX_ARRAY_LENGTH) {
            throw new WhispemError(
                    line, "Out of memory: arrays are limited to " + MAX_ARRAY_LENGTH + " elements");
        }
    }

    // ---- individual builtins -------------------------------------------------------------

    private static Object slice(Object[] a, long line) {
        arity("slice", 3, a, line);
        if (!(a[1] instanceof Double s) || !(a[2] instanceof Double e)) {
            throw new WhispemError(line, "Array index must be a number");
        }
        long start = Values.usize(s);
        long end = Values.usize(e);
        WArray array = array(a[0], line);
        if (Long.compareUnsigned(start, end) > 0) {
            throw new WhispemError(
                    line,
                    "slice() start "
                            + Values.usizeText(start)
                            + " cannot be greater than end "
                            + Values.usizeText(end));
        }
        if (Long.compareUnsigned(end, array.size()) > 0) {
            throw new WhispemError(
                    line,
                    "slice() end index "
                            + Values.usizeText(end)
                            + " out of bounds (length: "
                            + array.size()
                            + ")");
        }
        return array.range((int) start, (int) end);
    }

    private Object range(Object[] a, long line) {
        arity("range", 2, a, line);
        long from = (long) number(a[0], line);
        long to = (long) number(a[1], line);
        if (from >= to) {
            return WArray.EMPTY;
        }
        // to - from can overflow a long; treat any overflow as "too many".
        long count = to - from;
        if (count < 0 || count > MAX_ARRAY_LENGTH) {
            checkLength(Long.MAX_VALUE, line);
        }
        vm.charge(count);
        Object[] items = new Object[(int) count];
        for (int i = 0; i < count; i++) {
            items[i] = (double) (from + i);
        }
        return new WArray(items);
    }

    private Object mapOrFilter(String name, Object[] a, long line) {
        arity(name, 2, a, line);
        WArray array = array(a[0], line);
        vm.charge(array.size());
        List<Object> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            Object element = array.get(i);
            Object result = vm.invoke(a[1], new Object[] {element}, line);
            if (name.equals("map")) {
                out.add(result);
            } else if (Values.truthy(result)) {
                out.add(element);
            }
        }
        return new WArray(out.toArray());
    }

    private static Object charAt(Object[] a, long line) {
        arity("char_at", 2, a, line);
        if (!(a[0] instanceof String s) || !(a[1] instanceof Double d)) {
            throw new WhispemError(line, "Type error: expected string, number, found wrong types");
        }
        long index = Values.usize(d);
        int length = CodePoints.length(s);
        if (!Values.inRange(index, length)) {
            throw Operators.outOfBounds(index, length, line);
        }
        int i = (int) index;
        return CodePoints.substring(s, i, i + 1);
    }

    private static Object substr(Object[] a, long line) {
        arity("substr", 3, a, line);
        if (!(a[0] instanceof String s)
                || !(a[1] instanceof Double start)
                || !(a[2] instanceof Double len)) {
            throw new WhispemError(
                    line, "Type error: expected string, number, number, found wrong types");
        }
        int n = CodePoints.length(s);
        long from = Values.usize(start);
        long count = Values.usize(len);
        // D7: min(start + len, n) without overflow.
        int begin = Long.compareUnsigned(from, n) < 0 ? (int) from : n;
        int end = Long.compareUnsigned(count, n - begin) < 0 ? begin + (int) count : n;
        return CodePoints.substring(s, begin, end);
    }

    private static Object parseNumber(String text, long line) {
        String trimmed = trimWhitespace(text);
        if (DECIMAL.matcher(trimmed).matches()) {
            return Double.parseDouble(trimmed);
        }
        String lower = trimmed.toLowerCase(Locale.ROOT);
        if (SPECIAL.matcher(lower).matches()) {
            boolean negative = lower.startsWith("-");
            if (lower.endsWith("nan")) {
                return Double.NaN;
            }
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        throw new WhispemError(line, "Type error: expected numeric string, found \"" + text + "\"");
    }

    /** Rust's {@code str::trim}: strips Unicode White_Space from both ends. */
    private static String trimWhitespace(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isRustWhitespace(s.charAt(start))) {
            start++;
        }
        while (end > start && isRustWhitespace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isRustWhitespace(char c) {
        return (c >= '\t' && c <= '\r')
                || c == ' '
                || c == '\u0085'
                || c == '\u00A0'
                || c == '\u1680'
                || (c >= '\u2000' && c <= '\u200A')
                || c == '\u2028'
                || c == '\u2029'
                || c == '\u202F'
                || c == '\u205F'
                || c == '\u3000';
    }

    private Object input(Object[] a, long line) {
        if (a.length > 1) {
            throw Interpreter.arity("input", 1, a.length, line);
        }
        if (a.length == 1) {
            String prompt = string(a[0], line);
            if (!prompt.isEmpty()) {
                pending.writeBytes(prompt.getBytes(StandardCharsets.UTF_8));
            }
        }
        flush();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            int b;
            while ((b = stdin.read()) != -1) {
                bytes.write(b);
                if (b == '\n') {
                    break;
                }
            }
        } catch (IOException e) {
            // Treat an unreadable stdin like end of input.
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == '\n') {
            end--;
        }
        while (end > 0 && text.charAt(end - 1) == '\r') {
            end--;
        }
        return text.substring(0, end);
    }

    private static Object readFile(String path, long line) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(Path.of(path));
        } catch (IOException | RuntimeException e) {
            throw new WhispemError(line, "Failed to read '" + path + "': " + reason(e, path));
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new WhispemError(
                    line, "Failed to read '" + path + "': stream did not contain valid UTF-8");
        }
    }

    private static void writeFile(String path, byte[] content, long line) {
        try {
            Files.write(Path.of(path), content);
        } catch (IOException | RuntimeException e) {
            throw new WhispemError(line, "Failed to write '" + path + "': " + reason(e, path));
        }
    }

    private static Object writeHex(Object[] a, long line) {
        arity("write_hex", 2, a, line);
        String path = string(a[0], line);
        String hex = string(a[1], line);
        int length = CodePoints.length(hex);
        boolean ascii = hex.chars().allMatch(c -> c < 0x80);
        if (length % 2 != 0 || !ascii) {
            throw new WhispemError(
                    line,
                    "Type error: expected hex string of even length, found string of length "
                            + length);
        }
        byte[] bytes = new byte[hex.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            int hi = Character.digit(hex.charAt(2 * i), 16);
            int lo = Character.digit(hex.charAt(2 * i + 1), 16);
            bytes[i] = hi < 0 || lo < 0 ? 0 : (byte) (hi * 16 + lo);
        }
        writeFile(path, bytes, line);
        return NoneValue.NONE;
    }

    /** The operating system's message as Rust prints it, for the common cases (SPEC §9). */
    static String reason(Exception e, String path) {
        if (e instanceof NoSuchFileException) {
            return "No such file or directory (os error 2)";
        }
        if (e instanceof AccessDeniedException) {
            return "Permission denied (os error 13)";
        }
        try {
            if (Files.isDirectory(Path.of(path))) {
                return "Is a directory (os error 21)";
            }
        } catch (RuntimeException invalidPath) {
            return "Invalid argument (os error 22)";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
