package dev.whispem.runtime.cli;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The {@code whispem} command (SPEC §11): run source or bytecode, {@code --compile}, {@code
 * --dump}, or the REPL without arguments.
 */
public final class WhispemMain {
    private WhispemMain() {}

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true);
        int status =
                new Cli(new FileInputStream(FileDescriptor.in), out, err).run(Arrays.asList(args));
        out.flush();
        err.flush();
        System.exit(status);
    }

    /** Kept for symmetry with tests that capture streams. */
    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
