package dev.whispem.runtime.vm;

/** A runtime error (SPEC §10): the program stops and one diagnostic line is written. */
public final class WhispemError extends RuntimeException {
    /** Errors without a location ("Division by zero", internal and bytecode errors). */
    public static final long NO_LINE = -1;

    private final long line;

    public WhispemError(long line, String message) {
        super(message, null, false, false);
        this.line = line;
    }

    public long line() {
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
