package dev.whispem.runtime.vm;

/** A runtime error (SPEC §10): the program stops and one diagnostic line is written. */
public final class WhispemError extends RuntimeException {
    /** Errors without a location ("Division by zero", internal and bytecode errors). */
    public static final int NO_LINE = -1;

    private final int line;

    public WhispemError(int line, String message) {
        super(message, null, false, false);
        this.line = line;
    }

    public int line() {
        return line;
    }

    /** The stderr line of SPEC §10, without the trailing newline. */
    public String format(String fileName) {
        if (line == NO_LINE) {
            return fileName + ": Error: " + getMessage();
        }
        return fileName + ": [line " + line + ", col 0] Error: " + getMessage();
    }
}
