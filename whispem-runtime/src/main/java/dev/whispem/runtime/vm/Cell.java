package dev.whispem.runtime.vm;

/** A captured variable shared by a frame and the closures it created (SPEC §14.6, D1). */
final class Cell {
    Object value;

    Cell(Object value) {
        this.value = value;
    }
}
