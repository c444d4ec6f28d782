package dev.whispem.minikv.operator.admin;

/** The admin API could not be reached or refused the call; the reconciler retries later. */
public class NodeAdminException extends Exception {
    public NodeAdminException(String message) {
        super(message);
    }

    public NodeAdminException(String message, Throwable cause) {
        super(message, cause);
    }
}
