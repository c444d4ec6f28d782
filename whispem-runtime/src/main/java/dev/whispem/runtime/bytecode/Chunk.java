package dev.whispem.runtime.bytecode;

import java.util.List;

/**
 * One compiled function body. Constants are {@link Double}, {@link String}, {@link Boolean} or
 * {@link dev.whispem.runtime.vm.NoneValue}; {@code lines} has one entry per code byte (SPEC §12).
 */
public record Chunk(String name, int paramCount, List<Object> constants, byte[] code, int[] lines) {

    public Chunk {
        constants = List.copyOf(constants);
    }

    /** The source line of the code byte at {@code offset}. */
    public int lineAt(int offset) {
        return offset >= 0 && offset < lines.length ? lines[offset] : 0;
    }
}
