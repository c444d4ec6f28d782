package dev.whispem.runtime;

/**
 * A compile-time error (lexer, parser or code generator). Compilation stops at the first one, as
 * the reference does, so an exception is the simplest way to unwind.
 */
public final class CompileException extends RuntimeException {
    private final transient Diagnostic diagnostic;

    public CompileException(int line, int column, String message) {
        super(message, null, false, false);
        this.diagnostic = new Diagnostic(line, column, message);
    }

    public Diagnostic diagnostic() {
        return diagnostic;
    }
}
