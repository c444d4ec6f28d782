package dev.whispem.minikv.node.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.whispem.minikv.node.routing.KvRouter;
import dev.whispem.minikv.node.routing.ListPage;
import dev.whispem.minikv.node.routing.ListRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
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

/**
 * Listing keys of the key-value HTTP API: {@code GET /v1/kv}. See docs/api/kv.md. The single-key
 * operations on {@code /v1/kv/{key}} are {@link KvRoutes}.
 */
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

    /** One listed key; {@code value} (base64) only when asked for. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ListItem(String key, long version, Long expiresAt, String value) {}

    /** A page of keys in key order; {@code nextCursor} is absent on the last page. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ListResult(List<ListItem> items, String nextCursor) {}

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
