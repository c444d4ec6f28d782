package dev.whispem.runtime.bytecode;

import java.util.List;

/** A whole program: chunk 0 is {@code <main>}, the others are in file order (sorted by name). */
public record Program(List<Chunk> chunks) {
    public Program {
        chunks = List.copyOf(chunks);
    }

    public Chunk main() {
        return chunks.getFirst();
    }
}
