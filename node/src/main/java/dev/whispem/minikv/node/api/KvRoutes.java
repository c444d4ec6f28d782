package dev.whispem.minikv.node.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whispem.minikv.node.replication.Outcome;
import dev.whispem.minikv.node.replication.Precondition;
import dev.whispem.minikv.node.routing.KvRouter;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The single-key operations of the key-value API ({@code PUT}, {@code GET} and {@code DELETE} on
 * {@code /v1/kv/{key}}, docs/api/kv.md) as plain Vert.x routes. They are the hot path: a profile of
 * the standalone node at 30,000 writes/s put most of its CPU in the REST layer's per-request work
 * (request scope, parameter injection, body reader and writer lookup), not in storage
 * (docs/performance.md). Same answers, headers, limits, metrics and errors as the REST resources;
 * the authentication filter runs before these routes as before every other. Listing and batches
 * stay in {@link KvResource} and {@link BatchResource}.
 */
@Singleton
public class KvRoutes {

    private static final String PREFIX = "/v1/kv/";

    /**
     * Ahead of the REST layer's route, after the authentication filter (order -10,000) and Quarkus'
     * own filters.
     */
    static final int ORDER = -100;

    private static final ObjectMapper JSON = new ObjectMapper();

    // Header names and values written on every answer, with their hash computed once.
    private static final CharSequence CONTENT_TYPE = HttpHeaders.createOptimized("Content-Type");
    private static final CharSequence APPLICATION_JSON =
            HttpHeaders.createOptimized("application/json");
    private static final CharSequence OCTET_STREAM =
            HttpHeaders.createOptimized("application/octet-stream");
    private static final CharSequence ETAG = HttpHeaders.createOptimized("ETag");
    private static final CharSequence REVISION = HttpHeaders.createOptimized("X-MiniKV-Revision");

    private final KvRouter router;
    private final LimitsConfig limits;
    private final IdempotencyConfig idempotency;
    private final KvMetrics metrics;
    private final long maxBodyBytes;

    public KvRoutes(
            KvRouter router,
            LimitsConfig limits,
            IdempotencyConfig idempotency,
            KvMetrics metrics,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10M")
                    MemorySize maxBody) {
        this.router = router;
        this.limits = limits;
        this.idempotency = idempotency;
        this.metrics = metrics;
        this.maxBodyBytes = maxBody.asLongValue();
    }

    void register(@Observes Router http) {
        http.route(HttpMethod.PUT, PREFIX + "*").order(ORDER).handler(keyed(this::put));
        http.route(HttpMethod.GET, PREFIX + "*").order(ORDER).handler(keyed(this::get));
        http.route(HttpMethod.HEAD, PREFIX + "*").order(ORDER).handler(keyed(this::get));
        http.route(HttpMethod.DELETE, PREFIX + "*").order(ORDER).handler(keyed(this::delete));
        http.route(PREFIX + "*").order(ORDER + 1).handler(this::methodNotAllowed);
    }

    /** A handler of one key: the decoded key and the request's start time. */
    @FunctionalInterface
    private interface KeyHandler {
        void handle(RoutingContext ctx, String key, long start);
    }

    private io.vertx.core.Handler<RoutingContext> keyed(KeyHandler handler) {
        return ctx -> {
            long start = System.nanoTime();
            String key = keyOrNext(ctx);
            if (key != null) {
                handler.handle(ctx, key, start);
            }
        };
    }

    private void methodNotAllowed(RoutingContext ctx) {
        if (keyOrNext(ctx) == null) {
            return;
        }
        ctx.response().putHeader("Allow", "GET, HEAD, PUT, DELETE");
        error(
                ctx.response(),
                405,
                "METHOD_NOT_ALLOWED",
                ctx.request().method().name() + " is not allowed on a key");
    }

    private void put(RoutingContext ctx, String key, long start) {
        HttpServerRequest req = ctx.request();
        String declared = req.getHeader("Content-Length");
        if (declared != null && parseLength(declared) > maxBodyBytes) {
            // Far beyond any value: answer without reading it, and drop the connection it is on.
            ctx.response().putHeader("Connection", "close");
            fail(ctx, "put", start, ApiException.tooLarge("request body over " + maxBodyBytes));
            return;
        }
        BodyReader body = new BodyReader(limits.maxValueBytes());
        req.handler(body::append);
        req.exceptionHandler(e -> fail(ctx, "put", start, e));
        req.endHandler(
                v ->
                        answer(
                                ctx,
                                "put",
                                start,
                                () -> {
                                    String tenant =
                                            Requests.tenant(req.getHeader(Requests.TENANT_HEADER));
                                    byte[] k = Requests.key(key, limits);
                                    byte[] value = body.value();
                                    long ttl = Requests.ttl(req.getParam("ttl"));
                                    Precondition pre =
                                            Requests.precondition(
                                                    req.getHeader("If-Match"),
                                                    req.getHeader("If-None-Match"));
                                    String once =
                                            IdempotencyKeys.key(
                                                    req.getHeader(IdempotencyKeys.HEADER),
                                                    idempotency);
                                    return router.put(
                                            tenant,
                                            k,
                                            value,
                                            ttl,
                                            pre,
                                            IdempotencyKeys.put(once, k, value, ttl, pre));
                                },
                                outcome ->
                                        switch (replayedOrNot(ctx, "put", outcome)) {
                                            case Outcome.Written w ->
                                                    written(ctx.response(), key, w);
                                            case Outcome.PreconditionFailed f ->
                                                    preconditionFailed(ctx.response(), key, f);
                                            case Outcome o -> unexpected(ctx.response(), o);
                                        }));
        req.resume();
    }

    private void get(RoutingContext ctx, String key, long start) {
        HttpServerRequest req = ctx.request();
        answer(
                ctx,
                "get",
                start,
                () ->
                        router.get(
                                Requests.tenant(req.getHeader(Requests.TENANT_HEADER)),
                                Requests.key(key, limits),
                                Requests.consistency(req.getParam("consistency"))),
                r -> {
                    HttpServerResponse out = ctx.response();
                    if (r.value().isEmpty()) {
                        return error(out, 404, "NOT_FOUND", "no key " + key);
                    }
                    var v = r.value().get();
                    out.putHeader(CONTENT_TYPE, OCTET_STREAM)
                            .putHeader(ETAG, Requests.etag(v.version()))
                            .putHeader(REVISION, Long.toString(r.revision()));
                    if (v.expiresAtMillis() != 0) {
                        out.putHeader("X-MiniKV-Expires-At", Long.toString(v.expiresAtMillis()));
                    }
                    out.setStatusCode(200).end(Buffer.buffer(v.value()));
                    return 200;
                });
    }

    private void delete(RoutingContext ctx, String key, long start) {
        HttpServerRequest req = ctx.request();
        answer(
                ctx,
                "delete",
                start,
                () -> {
                    String tenant = Requests.tenant(req.getHeader(Requests.TENANT_HEADER));
                    byte[] k = Requests.key(key, limits);
                    Precondition pre = Requests.precondition(req.getHeader("If-Match"), null);
                    String once =
                            IdempotencyKeys.key(req.getHeader(IdempotencyKeys.HEADER), idempotency);
                    return router.delete(tenant, k, pre, IdempotencyKeys.delete(once, k, pre));
                },
                outcome ->
                        switch (replayedOrNot(ctx, "delete", outcome)) {
                            case Outcome.Deleted d -> {
                                ctx.response()
                                        .putHeader("X-MiniKV-Revision", Long.toString(d.revision()))
                                        .setStatusCode(204)
                                        .end();
                                yield 204;
                            }
                            case Outcome.PreconditionFailed f ->
                                    preconditionFailed(ctx.response(), key, f);
                            case Outcome o -> unexpected(ctx.response(), o);
                        });
    }

    /**
     * The outcome to answer for a write: a replayed one's original, marked with {@code
     * Idempotent-Replayed: true}; a key reused for another request fails with 422.
     */
    private Outcome replayedOrNot(RoutingContext ctx, String op, Outcome outcome) {
        return IdempotencyKeys.unwrap(
                outcome,
                () -> {
                    ctx.response().putHeader(IdempotencyKeys.REPLAYED_HEADER, "true");
                    metrics.replayed(op);
                });
    }

    /**
     * The key named by the path, percent-decoded; null (and the request passed on) when the path
     * names none, so {@code GET /v1/kv/} reaches the listing like {@code GET /v1/kv}.
     */
    private String keyOrNext(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        if (path.length() <= PREFIX.length()) {
            ctx.next();
            return null;
        }
        try {
            return PathKeys.decode(path.substring(PREFIX.length()));
        } catch (ApiException e) {
            fail(ctx, ctx.request().method().name().toLowerCase(), System.nanoTime(), e);
            return null;
        }
    }

    /**
     * Runs {@code call} and answers with {@code reply}, which writes the response and returns its
     * status; a failure anywhere answers with the JSON error body. Records the request's metric.
     */
    private <T> void answer(
            RoutingContext ctx,
            String op,
            long start,
            java.util.function.Supplier<CompletionStage<T>> call,
            Function<T, Integer> reply) {
        CompletionStage<T> stage;
        try {
            stage = call.get();
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((result, failure) -> reply(ctx, op, start, result, failure, reply));
    }

    private <T> void reply(
            RoutingContext ctx,
            String op,
            long start,
            T result,
            Throwable failure,
            Function<T, Integer> reply) {
        if (failure != null) {
            fail(ctx, op, start, failure);
            return;
        }
        int status;
        try {
            status = reply.apply(result);
        } catch (RuntimeException e) {
            fail(ctx, op, start, e);
            return;
        }
        metrics.record(op, status, start);
    }

    private void fail(RoutingContext ctx, String op, long start, Throwable failure) {
        if (ctx.response().ended()) {
            return;
        }
        metrics.record(op, send(ctx.response(), ErrorMappers.toResponse(failure)), start);
    }

    private static int written(HttpServerResponse out, String key, Outcome.Written w) {
        String body = JsonText.putResult(key, w.version(), w.revision());
        out.putHeader(CONTENT_TYPE, APPLICATION_JSON)
                .putHeader(ETAG, Requests.etag(w.version()))
                .setStatusCode(200)
                .end(body);
        return 200;
    }

    private static int error(HttpServerResponse out, int status, String code, String message) {
        out.putHeader("Content-Type", "application/json")
                .setStatusCode(status)
                .end(json(new ApiError(code, message)));
        return status;
    }

    /** Writes an error response classified by {@link ErrorMappers}: status, headers, JSON. */
    private static int send(HttpServerResponse out, Response r) {
        for (Map.Entry<String, List<String>> h : r.getStringHeaders().entrySet()) {
            if (!h.getKey().equalsIgnoreCase("Content-Type")) {
                out.putHeader(h.getKey(), h.getValue());
            }
        }
        out.putHeader("Content-Type", "application/json")
                .setStatusCode(r.getStatus())
                .end(json(r.getEntity()));
        return r.getStatus();
    }

    private static int preconditionFailed(
            HttpServerResponse out, String key, Outcome.PreconditionFailed f) {
        if (f.currentVersion() == 0) {
            return error(
                    out,
                    412,
                    "PRECONDITION_FAILED",
                    "precondition failed: " + key + " does not exist");
        }
        out.putHeader("ETag", Requests.etag(f.currentVersion()));
        return error(
                out,
                412,
                "PRECONDITION_FAILED",
                "precondition failed: " + key + " is at version " + f.currentVersion());
    }

    private static int unexpected(HttpServerResponse out, Outcome outcome) {
        return error(out, 500, "INTERNAL", "unexpected outcome " + outcome);
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
        }
    }

    private static long parseLength(String header) {
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Collects a request body up to one byte past the value limit; beyond that it keeps reading and
     * discards, so the connection stays usable and the answer is the same 413 as for a body that
     * declared its length.
     */
    private static final class BodyReader {
        private final int limit;
        private Buffer buffer = Buffer.buffer();
        private long length;

        BodyReader(int limit) {
            this.limit = limit;
        }

        void append(Buffer chunk) {
            length += chunk.length();
            if (length <= limit) {
                buffer.appendBuffer(chunk);
            } else {
                buffer = null;
            }
        }

        byte[] value() {
            if (buffer == null) {
                throw ApiException.tooLarge("value is " + length + " bytes; the limit is " + limit);
            }
            return buffer.getBytes();
        }
    }
}
