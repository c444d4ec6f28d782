package dev.whispem.minikv.operator.admin;

/**
 * The admin API could not be reached or refused the call; the reconciler retries later. {@link
 * #status()} is the HTTP status of a refusal (0 when there was no answer) and {@link #code()} the
 * node's error code ({@code CONFLICT}, {@code NO_LEADER}, ...), when it sent one.
 */
public class NodeAdminException extends Exception {
    private final int status;
    private final String code;

    public NodeAdminException(String message) {
        this(message, 0, null);
    }

    public NodeAdminException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
        this.code = null;
    }

    public NodeAdminException(String message, int status, String code) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /**
     * A 409: the call does not fit the cluster's state yet (a coordinator not registered, a volume
     * server not drained, the leader asked to leave). Expected while a change is under way.
     */
    public boolean conflict() {
        return status == 409;
    }

    /** A 503: no metadata leader yet, or it changed during the call. */
    public boolean unavailable() {
        return status == 503;
    }

    /**
     * A 404 or 405: the node has no such call (a version older than the call); the node itself
     * answers its own refusals with 409 or 503, never with these.
     */
    public boolean unsupported() {
        return status == 404 || status == 405;
    }
}
