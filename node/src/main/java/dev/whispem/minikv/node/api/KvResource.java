package dev.whispem.minikv.node.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.whispem.minikv.node.replication.Outcome;
import dev.whispem.minikv.node.replication.Precondition;
import dev.whispem.minikv.node.routing.KvRouter;
import dev.whispem.minikv.node.routing.ListPage;
import dev.whispem.minikv.node.routing.ListRequest;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The key-value HTTP API: {@code /v1/kv}. See docs/api/kv.md. */
@Path("/v1/kv")
@Tag(name = "kv")
public class KvResource {

    private final KvRouter router;
    private final LimitsConfig limits;
    private final KvMetrics metrics;

    public KvResource(KvRouter router, LimitsConfig limits, KvMetrics metrics) {
        this.router = router;
        this.limits = limits;
        this.metrics = metrics;
    }

    /** Body of a successful PUT. */
    public record PutResult(String key, long version, long revision) {}

    /** One listed key; {@code value} (base64) only when asked for. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ListItem(String key, long version, Long expiresAt, String value) {}

    /** A page of keys in key order; {@code nextCursor} is absent on the last page. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ListResult(List<ListItem> items, String nextCursor) {}

    @PUT
    @Path("{key: .+}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Store a value (raw body); optional ttl, If-Match CAS, If-None-Match: *")
    public CompletionStage<Response> put(
            @PathParam("key") String key,
            @QueryParam("ttl") String ttl,
            @HeaderParam("If-Match") String ifMatch,
            @HeaderParam("If-None-Match") String ifNoneMatch,
            @HeaderParam(Requests.TENANT_HEADER) String tenantHeader,
            byte[] body) {
        long start = System.nanoTime();
        return guard(
                "put",
                start,
                () -> {
                    String tenant = Requests.tenant(tenantHeader);
                    byte[] k = Requests.key(key, limits);
                    byte[] v = Requests.value(body, limits);
                    long ttlSeconds = Requests.ttl(ttl);
                    Precondition pre = Requests.precondition(ifMatch, ifNoneMatch);
                    return router.put(tenant, k, v, ttlSeconds, pre)
                            .thenApply(
                                    outcome ->
                                            switch (outcome) {
                                                case Outcome.Written w ->
                                                        Response.ok(
                                                                        new PutResult(
                                                                                key,
                                                                                w.version(),
                                                                                w.revision()))
                                                                .tag(
                                                                        new jakarta.ws.rs.core
                                                                                .EntityTag(
                                                                                Long.toString(
                                                                                        w
                                                                                                .version())))
                                                                .build();
                                                case Outcome.PreconditionFailed f ->
                                                        preconditionFailed(key, f);
                                                default -> unexpected(outcome);
                                            });
                });
    }

    @GET
    @Path("{key: .+}")
    @Produces({MediaType.APPLICATION_OCTET_STREAM, MediaType.APPLICATION_JSON})
    @Operation(summary = "Read a value; linearizable unless consistency=stale")
    public CompletionStage<Response> get(
            @PathParam("key") String key,
            @QueryParam("consistency") String consistency,
            @HeaderParam(Requests.TENANT_HEADER) String tenantHeader) {
        long start = System.nanoTime();
        return guard(
                "get",
                start,
                () -> {
                    String tenant = Requests.tenant(tenantHeader);
                    byte[] k = Requests.key(key, limits);
                    return router.get(tenant, k, Requests.consistency(consistency))
                            .thenApply(
                                    r -> {
                                        if (r.value().isEmpty()) {
                                            return ApiError.response(
                                                    404, "NOT_FOUND", "no key " + key);
                                        }
                                        var v = r.value().get();
                                        Response.ResponseBuilder b =
                                                Response.ok(
                                                                v.value(),
                                                                MediaType
                                                                        .APPLICATION_OCTET_STREAM_TYPE)
                                                        .header("ETag", Requests.etag(v.version()))
                                                        .header("X-MiniKV-Revision", r.revision());
                                        if (v.expiresAtMillis() != 0) {
                                            b.header("X-MiniKV-Expires-At", v.expiresAtMillis());
                                        }
                                        return b.build();
                                    });
                });
    }

    @DELETE
    @Path("{key: .+}")
    @Operation(summary = "Delete a key (204 whether or not it existed); optional If-Match")
    public CompletionStage<Response> delete(
            @PathParam("key") String key,
            @HeaderParam("If-Match") String ifMatch,
            @HeaderParam(Requests.TENANT_HEADER) String tenantHeader) {
        long start = System.nanoTime();
        return guard(
                "delete",
                start,
                () -> {
                    String tenant = Requests.tenant(tenantHeader);
                    byte[] k = Requests.key(key, limits);
                    Precondition pre = Requests.precondition(ifMatch, null);
                    return router.delete(tenant, k, pre)
                            .thenApply(
                                    outcome ->
                                            switch (outcome) {
                                                case Outcome.Deleted d ->
                                                        Response.noContent()
                                                                .header(
                                                                        "X-MiniKV-Revision",
                                                                        d.revision())
                                                                .build();
                                                case Outcome.PreconditionFailed f ->
                                                        preconditionFailed(key, f);
                                                default -> unexpected(outcome);
                                            });
                });
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "List keys in key order, one page at a time")
    public CompletionStage<Response> list(
            @QueryParam("prefix") String prefix,
            @QueryParam("start") String startKey,
            @QueryParam("end") String endKey,
            @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor,
            @QueryParam("values") String values,
            @QueryParam("consistency") String consistency,
            @HeaderParam(Requests.TENANT_HEADER) String tenantHeader) {
        long start = System.nanoTime();
        return guard(
                "list",
                start,
                () -> {
                    String tenant = Requests.tenant(tenantHeader);
                    int n = limit(limit);
                    byte[] after = null;
                    if (cursor != null && !cursor.isEmpty()) {
                        try {
                            after = Base64.getUrlDecoder().decode(cursor);
                        } catch (IllegalArgumentException e) {
                            throw ApiException.badRequest("malformed cursor");
                        }
                    }
                    boolean withValues = "true".equalsIgnoreCase(values);
                    if (values != null && !withValues && !"false".equalsIgnoreCase(values)) {
                        throw ApiException.badRequest("values must be true or false");
                    }
                    ListRequest req =
                            new ListRequest(
                                    tenant,
                                    bytesOrNull(prefix),
                                    bytesOrNull(startKey),
                                    bytesOrNull(endKey),
                                    after,
                                    n,
                                    withValues,
                                    Requests.consistency(consistency));
                    return router.list(req).thenApply(page -> Response.ok(toResult(page)).build());
                });
    }

    private int limit(String limit) {
        if (limit == null || limit.isEmpty()) {
            return limits.defaultListLimit();
        }
        try {
            int n = Integer.parseInt(limit);
            if (n < 1 || n > limits.maxListLimit()) {
                throw ApiException.badRequest(
                        "limit must be between 1 and " + limits.maxListLimit());
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("limit must be a number");
        }
    }

    private static byte[] bytesOrNull(String s) {
        return s == null || s.isEmpty() ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static ListResult toResult(ListPage page) {
        List<ListItem> items = new ArrayList<>(page.items().size());
        for (ListPage.Item i : page.items()) {
            items.add(
                    new ListItem(
                            new String(i.key(), StandardCharsets.UTF_8),
                            i.version(),
                            i.expiresAtMillis() == 0 ? null : i.expiresAtMillis(),
                            i.value() == null
                                    ? null
                                    : Base64.getEncoder().encodeToString(i.value())));
        }
        String next =
                page.nextCursor() == null
                        ? null
                        : Base64.getUrlEncoder().withoutPadding().encodeToString(page.nextCursor());
        return new ListResult(items, next);
    }

    static Response preconditionFailed(String key, Outcome.PreconditionFailed f) {
        String message =
                f.currentVersion() == 0
                        ? "precondition failed: " + key + " does not exist"
                        : "precondition failed: " + key + " is at version " + f.currentVersion();
        Response.ResponseBuilder b =
                Response.status(412)
                        .type(MediaType.APPLICATION_JSON_TYPE)
                        .entity(new ApiError("PRECONDITION_FAILED", message));
        if (f.currentVersion() != 0) {
            b.header("ETag", Requests.etag(f.currentVersion()));
        }
        return b.build();
    }

    static Response unexpected(Outcome outcome) {
        return ApiError.response(500, "INTERNAL", "unexpected outcome " + outcome);
    }

    /** Runs the handler, turning validation failures into responses and recording metrics. */
    private CompletionStage<Response> guard(
            String op, long start, java.util.function.Supplier<CompletionStage<Response>> handler) {
        CompletionStage<Response> stage;
        try {
            stage = handler.get();
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        return stage.exceptionally(ErrorMappers::toResponse)
                .thenApply(
                        r -> {
                            metrics.record(op, r.getStatus(), start);
                            return r;
                        });
    }
}
