package dev.whispem.minikv.node.api;

import dev.whispem.minikv.node.storage.StorageException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletionException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every failure into the JSON error body with the right status; nothing leaks as HTML. */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    private static final ErrorMappers INSTANCE = new ErrorMappers();

    /** The response for a failure surfaced by an asynchronous handler. */
    public static Response toResponse(Throwable t) {
        Throwable cause = t;
        while ((cause instanceof CompletionException
                        || cause instanceof java.util.concurrent.ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return INSTANCE.other(cause);
    }

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return ApiError.response(e.status(), e.code(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String code =
                switch (status) {
                    case 400 -> "BAD_REQUEST";
                    case 404 -> "NOT_FOUND";
                    case 405 -> "METHOD_NOT_ALLOWED";
                    case 406 -> "NOT_ACCEPTABLE";
                    case 413 -> "TOO_LARGE";
                    case 415 -> "UNSUPPORTED_MEDIA_TYPE";
                    default -> status >= 500 ? "INTERNAL" : "BAD_REQUEST";
                };
        return ApiError.response(status, code, e.getMessage());
    }

    @ServerExceptionMapper
    public Response completion(CompletionException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        if (cause instanceof ApiException api) {
            return api(api);
        }
        return other(cause);
    }

    @ServerExceptionMapper
    public Response storage(StorageException e) {
        LOG.error("storage failure", e);
        return ApiError.response(503, "STORAGE_UNAVAILABLE", e.getMessage());
    }

    @ServerExceptionMapper
    public Response other(Throwable e) {
        if (e instanceof ApiException api) {
            return api(api);
        }
        if (e instanceof WebApplicationException w) {
            return web(w);
        }
        if (e instanceof StorageException s) {
            return storage(s);
        }
        if (e instanceof dev.whispem.minikv.node.routing.KvRouter.IdempotencyKeyReusedException) {
            return api(IdempotencyKeys.reused());
        }
        if (e instanceof IllegalStateException || replicationUnreachable(e)) {
            // Expected while leadership moves or a member is down; the cause tells which path
            // gave up, so it is there for whoever turns this category's DEBUG on.
            LOG.debugf(e, "answered 503: %s", e.getMessage());
            return ApiError.response(503, "UNAVAILABLE", e.getMessage());
        }
        if (e instanceof io.vertx.core.http.HttpClosedException) {
            // The client hung up before we could read its request: nothing was done.
            LOG.debugf("client closed the connection: %s", e.getMessage());
            return ApiError.response(400, "BAD_REQUEST", "connection closed by the client");
        }
        LOG.error("unexpected failure", e);
        return ApiError.response(500, "INTERNAL", String.valueOf(e.getMessage()));
    }

    /**
     * A group leader that did not answer in time or could not be reached (timeouts and gRPC
     * failures of the Raft client forwarding a request): the outcome is unknown and the request may
     * be retried, which is a 503, not an internal error.
     */
    private static boolean replicationUnreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.util.concurrent.TimeoutException
                    || t instanceof org.apache.ratis.protocol.exceptions.TimeoutIOException
                    || t instanceof org.apache.ratis.protocol.exceptions.RaftException
                    || t instanceof java.io.IOException
                    || t.getClass().getName().endsWith("StatusRuntimeException")) {
                return true;
            }
        }
        return false;
    }
}
