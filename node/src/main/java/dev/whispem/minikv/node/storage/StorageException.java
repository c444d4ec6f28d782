package dev.whispem.minikv.node.storage;

/** A failure of the local storage engine (I/O error, corruption, disk full). */
public class StorageException extends RuntimeException {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
