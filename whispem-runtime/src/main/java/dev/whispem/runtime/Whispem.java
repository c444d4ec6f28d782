package dev.whispem.runtime;

import dev.whispem.runtime.bytecode.BytecodeWriter;
import dev.whispem.runtime.bytecode.Program;
import dev.whispem.runtime.bytecode.SerializationException;
import dev.whispem.runtime.compiler.Compiler;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/** Library entry points: compile Whispem source to {@code .whbc} bytes. */
public final class Whispem {
    /**
     * Compilation recurses over the syntax tree; a dedicated thread with a generous stack keeps
     * that independent of the caller's thread (the parser also bounds nesting depth).
     */
    private static final long COMPILE_STACK_BYTES = 256L * 1024 * 1024;

    private Whispem() {}

    /** Compiles source text; never throws for any input (only for null arguments), never hangs. */
    public static CompileResult compile(String fileName, String source) {
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(source, "source");
        return onCompileStack(
                () -> {
                    Program program = Compiler.compile(source);
                    try {
                        return new CompileResult.Compiled(BytecodeWriter.write(program));
                    } catch (SerializationException e) {
                        return new CompileResult.Failed(
                                List.of(
                                        new Diagnostic(
                                                0, 0, "Serialization error: " + e.getMessage())));
                    }
                });
    }

    /**
     * Compiles source text to an in-memory program (used to run source directly, where the
     * serialisation limits of D3 do not apply). Throws {@link CompileException} on errors.
     */
    public static Program compileProgram(String source) {
        Objects.requireNonNull(source, "source");
        AtomicReference<Program> program = new AtomicReference<>();
        CompileResult result =
                onCompileStack(
                        () -> {
                            program.set(Compiler.compile(source));
                            return new CompileResult.Compiled(new byte[0]);
                        });
        if (result instanceof CompileResult.Failed failed) {
            Diagnostic d = failed.diagnostics().getFirst();
            throw new CompileException(d.line(), d.column(), d.message());
        }
        return program.get();
    }

    private interface CompileTask {
        CompileResult run();
    }

    private static CompileResult onCompileStack(CompileTask task) {
        AtomicReference<CompileResult> result = new AtomicReference<>();
        Runnable body =
                () -> {
                    try {
                        result.set(task.run());
                    } catch (CompileException e) {
                        result.set(new CompileResult.Failed(List.of(e.diagnostic())));
                    } catch (StackOverflowError e) {
                        result.set(failure("Program is nested too deeply to compile"));
                    } catch (RuntimeException e) {
                        // Contract: compile never throws. A bug must still surface, so say so.
                        result.set(failure("Internal compiler error: " + e));
                    }
                };
        Thread thread = new Thread(null, body, "whispem-compile", COMPILE_STACK_BYTES);
        thread.start();
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return result.get();
    }

    private static CompileResult failure(String message) {
        return new CompileResult.Failed(List.of(new Diagnostic(1, 0, message)));
    }
}
