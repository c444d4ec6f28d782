package dev.whispem.runtime.vm;

import dev.whispem.runtime.bytecode.Chunk;

/** A function value: a lambda chunk plus the cells it captured. */
public final class Closure {
    final Chunk chunk;
    final Cell[] cells;

    Closure(Chunk chunk, Cell[] cells) {
        this.chunk = chunk;
        this.cells = cells;
    }

    public String name() {
        return chunk.name();
    }
}
