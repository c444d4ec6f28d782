package dev.whispem.runtime.cli;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * The {@code whispem} command (SPEC §11): run source or bytecode, {@code --compile}, {@code
 * --dump}, or the REPL without arguments.
 */
public final class WhispemMain {
    /** Compilation and the REPL recurse; a large stack keeps deep programs off the limit. */
    private static final long MAIN_STACK_BYTES = 512L * 1024 * 1024;

    private WhispemMain() {}

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true);
        int[] status = {1};
        Runnable body =
                () ->
                        status[0] =
                                new Cli(new FileInputStream(FileDescriptor.in), out, err)
                                        .run(Arrays.asList(args));
        Thread thread = new Thread(null, body, "whispem-main", MAIN_STACK_BYTES);
        thread.start();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.flush();
        err.flush();
        System.exit(status[0]);
    }
}
