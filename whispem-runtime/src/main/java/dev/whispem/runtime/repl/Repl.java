package dev.whispem.runtime.repl;

import java.io.InputStream;
import java.io.PrintStream;

/** Placeholder until the interactive loop lands. */
public final class Repl {
    private final PrintStream err;

    public Repl(InputStream in, PrintStream out, PrintStream err) {
        this.err = err;
    }

    public int run() {
        err.println("REPL not available yet");
        return 1;
    }
}
