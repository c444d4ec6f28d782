package dev.whispem.minikv.node.api;

/** A request the API refuses, with the HTTP status and error code to answer. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;

    public ApiException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "BAD_REQUEST", message);
    }

    public static ApiException tooLarge(String message) {
        return new ApiException(413, "TOO_LARGE", message);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
