package dev.whispem.runtime.bytecode;

/** A compiled program that the {@code .whbc} format cannot represent (D3). */
public final class SerializationException extends Exception {
    public SerializationException(String message) {
        super(message);
    }
}
