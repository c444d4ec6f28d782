package dev.whispem.runtime.vm;

import dev.whispem.runtime.bytecode.Chunk;
import java.util.HashMap;

/** One activation: locals by name, captured cells, and cells opened for its own closures. */
final class Frame {
    static final Cell[] NO_CELLS = new Cell[0];

    final Chunk chunk;
    final byte[] code;
    final Object[] constants;
    final Cell[] cells;
    final boolean isMain;
    int ip;
    private HashMap<String, Object> locals;
    private HashMap<String, Cell> openCells;

    Frame(Chunk chunk, Object[] constants, Cell[] cells, boolean isMain) {
        this.chunk = chunk;
        this.code = chunk.code();
        this.constants = constants;
        this.cells = cells;
        this.isMain = isMain;
    }

    Object local(String name) {
        return locals == null ? null : locals.get(name);
    }

    void setLocal(String name, Object value) {
        if (locals == null) {
            locals = new HashMap<>();
        }
        locals.put(name, value);
    }

    Cell openCell(String name) {
        return openCells == null ? null : openCells.get(name);
    }

    void addOpenCell(String name, Cell cell) {
        if (openCells == null) {
            openCells = new HashMap<>();
        }
        openCells.put(name, cell);
    }

    /** The line of the last byte read, used for runtime error locations (SPEC §14.1). */
    long currentLine() {
        return Integer.toUnsignedLong(chunk.lineAt(ip - 1));
    }
}
