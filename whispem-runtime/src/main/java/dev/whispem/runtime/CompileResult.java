package dev.whispem.runtime;

import java.util.List;

/** The outcome of {@link Whispem#compile}: either a {@code .whbc} image or the diagnostics. */
public sealed interface CompileResult permits CompileResult.Compiled, CompileResult.Failed {

    /** Bytecode in the {@code .whbc} version 4 format (SPEC §12). */
    record Compiled(byte[] bytecode) implements CompileResult {}

    /**
     * Why the source was rejected; the reference stops at the first error, so this has one entry.
     */
    record Failed(List<Diagnostic> diagnostics) implements CompileResult {
        public Failed {
            diagnostics = List.copyOf(diagnostics);
        }
    }
}
