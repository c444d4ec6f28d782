package dev.whispem.runtime.bytecode;

/** A {@code .whbc} file that fails the checks of SPEC §12; the message is the full §10 text. */
public final class InvalidBytecodeException extends Exception {
    public InvalidBytecodeException(String detail) {
        super("Invalid bytecode: " + detail, null, false, false);
    }
}
