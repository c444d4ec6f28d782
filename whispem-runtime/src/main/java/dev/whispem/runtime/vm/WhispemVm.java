package dev.whispem.runtime.vm;

import dev.whispem.runtime.bytecode.BytecodeReader;
import dev.whispem.runtime.bytecode.InvalidBytecodeException;
import dev.whispem.runtime.bytecode.Program;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs Whispem bytecode from Java. Programs run on a dedicated thread with a large stack so that
 * deeply nested values and map/filter/reduce callbacks cannot overflow the caller's stack.
 */
public final class WhispemVm {
    private static final long VM_STACK_BYTES = 1024L * 1024 * 1024;

    /**
     * Run settings. {@code instructionBudget} (0 = unlimited) stops runaway programs with an
     * "Instruction budget exhausted" error; builtins that do work proportional to a size (range,
     * push, string concatenation, ...) charge that size too, so a budget also bounds memory. {@code
     * natives} adds host functions by name, resolved after every user definition (see {@link
     * NativeFunction}). Without {@code fileAccess}, read_file, write_file and write_hex fail with
     * "Permission denied".
     */
    public record Options(
            long instructionBudget, Map<String, NativeFunction> natives, boolean fileAccess) {
        public static final Options DEFAULT = new Options(0, Map.of(), true);

        public Options {
            natives = Map.copyOf(natives);
        }

        public Options withInstructionBudget(long budget) {
            return new Options(budget, natives, fileAccess);
        }

        public Options withNatives(Map<String, NativeFunction> more) {
            return new Options(instructionBudget, more, fileAccess);
        }

        public Options withFileAccess(boolean allowed) {
            return new Options(instructionBudget, natives, allowed);
        }
    }

    private WhispemVm() {}

    /**
     * Verifies and runs a {@code .whbc} image with in-memory streams. Invalid bytecode gives status
     * 1 and the SPEC §12 diagnostic on stderr, like the CLI.
     */
    public static RunResult runBytecode(
            byte[] bytecode, String fileName, List<String> args, String stdin, Options options) {
        Program program;
        try {
            program = BytecodeReader.read(bytecode);
        } catch (InvalidBytecodeException e) {
            byte[] err =
                    (fileName + ": Error: " + e.getMessage() + "\n")
                            .getBytes(StandardCharsets.UTF_8);
            return new RunResult(1, new byte[0], err);
        }
        return run(program, fileName, args, stdin, options);
    }

    /** Runs a program with in-memory streams and returns what it wrote. */
    public static RunResult run(
            Program program, String fileName, List<String> args, String stdin, Options options) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        int status = run(program, fileName, args, in, out, err, options);
        return new RunResult(status, out.toByteArray(), err.toByteArray());
    }

    /**
     * Runs a program on the given streams and returns the process exit status (SPEC §10): 0, 1
     * after a runtime error (diagnostic written to {@code err}), or the {@code exit} status.
     */
    public static int run(
            Program program,
            String fileName,
            List<String> args,
            InputStream in,
            OutputStream out,
            OutputStream err,
            Options options) {
        Objects.requireNonNull(program, "program");
        Objects.requireNonNull(fileName, "fileName");
        AtomicInteger status = new AtomicInteger();
        RuntimeException[] failure = new RuntimeException[1];
        Runnable body =
                () -> {
                    try {
                        status.set(runHere(program, fileName, args, in, out, err, options));
                    } catch (RuntimeException e) {
                        failure[0] = e;
                    }
                };
        Thread thread = new Thread(null, body, "whispem-vm", VM_STACK_BYTES);
        thread.start();
        joinUninterruptibly(thread);
        if (failure[0] != null) {
            throw failure[0];
        }
        return status.get();
    }

    private static void joinUninterruptibly(Thread thread) {
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
    }

    /** Runs on the current thread; callers choose the stack (the CLI runs it on a big one). */
    static int runHere(
            Program program,
            String fileName,
            List<String> args,
            InputStream in,
            OutputStream out,
            OutputStream err,
            Options options) {
        Interpreter vm = new Interpreter(args, in, out, options);
        vm.load(program);
        WhispemError error;
        try {
            vm.runMain(program.main());
            vm.flush();
            return 0;
        } catch (Signals.Exit exit) {
            vm.flush();
            return exit.status;
        } catch (Signals.Halt halt) {
            vm.flush();
            return 0;
        } catch (WhispemError e) {
            error = e;
        } catch (StackOverflowError e) {
            error = new WhispemError(WhispemError.NO_LINE, "Stack overflow: nesting too deep");
        } catch (OutOfMemoryError e) {
            error = new WhispemError(WhispemError.NO_LINE, "Out of memory");
        }
        vm.flush();
        writeLine(err, error.format(fileName));
        return 1;
    }

    static void writeLine(OutputStream err, String line) {
        try {
            err.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            err.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
