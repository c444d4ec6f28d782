package dev.whispem.runtime.compiler;

import dev.whispem.runtime.CompileException;
import dev.whispem.runtime.bytecode.Chunk;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Accumulates the code, line table and constant pool of one chunk (SPEC §15.1). */
final class ChunkBuilder {
    static final int MAX_CONSTANTS = 256;
    static final int MAX_CODE = 65535;

    private final String name;
    private final int paramCount;
    private final List<Object> constants = new ArrayList<>();
    private final Map<Long, Integer> numberIndex = new HashMap<>();
    private final Map<String, Integer> stringIndex = new HashMap<>();
    private byte[] code = new byte[64];
    private int[] lines = new int[64];
    private int size;

    ChunkBuilder(String name, int paramCount) {
        this.name = name;
        this.paramCount = paramCount;
    }

    String name() {
        return name;
    }

    int size() {
        return size;
    }

    /** A literal constant: deduplicated first, so only a genuinely new 257th one fails. */
    int literal(Object value, int line) {
        Integer existing = lookup(value);
        if (existing != null) {
            return existing;
        }
        if (constants.size() >= MAX_CONSTANTS) {
            throw tooManyConstants(line);
        }
        return append(value);
    }

    /** A name constant: the reference checks the pool size before deduplicating (SPEC §15.1). */
    int name(String value, int line) {
        if (constants.size() >= MAX_CONSTANTS) {
            throw tooManyConstants(line);
        }
        Integer existing = lookup(value);
        return existing != null ? existing : append(value);
    }

    private static CompileException tooManyConstants(int line) {
        return new CompileException(line, 0, "Too many constants in one function (max 256).");
    }

    private Integer lookup(Object value) {
        if (value instanceof Double d) {
            return numberIndex.get(Double.doubleToRawLongBits(d));
        }
        return stringIndex.get((String) value);
    }

    private int append(Object value) {
        int index = constants.size();
        constants.add(value);
        if (value instanceof Double d) {
            numberIndex.put(Double.doubleToRawLongBits(d), index);
        } else {
            stringIndex.put((String) value, index);
        }
        return index;
    }

    void emit(int b, int line) {
        if (size >= MAX_CODE) {
            throw new CompileException(line, 0, "Function too large: code exceeds 65535 bytes");
        }
        if (size == code.length) {
            code = Arrays.copyOf(code, size * 2);
            lines = Arrays.copyOf(lines, size * 2);
        }
        code[size] = (byte) b;
        lines[size] = line;
        size++;
    }

    /** Writes a big-endian u16 jump target into the placeholder at {@code operandOffset}. */
    void patch(int operandOffset, int target) {
        code[operandOffset] = (byte) (target >> 8);
        code[operandOffset + 1] = (byte) target;
    }

    Chunk build() {
        return new Chunk(
                name, paramCount, constants, Arrays.copyOf(code, size), Arrays.copyOf(lines, size));
    }
}
