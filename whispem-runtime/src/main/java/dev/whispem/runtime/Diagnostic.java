package dev.whispem.runtime;

/**
 * One compile-time problem, located the way SPEC §10 prints it. A line of 0 means "no location"
 * (serialisation errors), which prints as {@code FILE: Error: MESSAGE}.
 */
public record Diagnostic(int line, int column, String message) {

    /** The exact stderr line of SPEC §10, without the trailing newline. */
    public String format(String fileName) {
        if (line <= 0) {
            return fileName + ": Error: " + message;
        }
        return fileName + ": [line " + line + ", col " + column + "] Error: " + message;
    }
}
