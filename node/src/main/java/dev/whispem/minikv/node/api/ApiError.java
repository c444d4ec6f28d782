package dev.whispem.minikv.node.api;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The JSON body of every error response: {@code {"error": CODE, "message": TEXT}}. */
public record ApiError(String error, String message) {

    public static Response response(int status, String code, String message) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError(code, message))
                .build();
    }
}
