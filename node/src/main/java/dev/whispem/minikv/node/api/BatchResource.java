package dev.whispem.minikv.node.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.whispem.minikv.node.replication.Outcome;
import dev.whispem.minikv.node.replication.Precondition;
import dev.whispem.minikv.node.routing.KvOp;
import dev.whispem.minikv.node.routing.KvRouter;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code POST /v1/batch}: several puts and deletes. Atomic (all or nothing) when every key is on
 * one shard; otherwise each op succeeds or fails on its own. See docs/api/kv.md.
 */
@Path("/v1/batch")
@Tag(name = "kv")
public class BatchResource {

    private final KvRouter router;
    private final LimitsConfig limits;
    private final IdempotencyConfig idempotency;
    private final KvMetrics metrics;

    public BatchResource(
            KvRouter router,
            LimitsConfig limits,
            IdempotencyConfig idempotency,
            KvMetrics metrics) {
        this.router = router;
        this.limits = limits;
        this.idempotency = idempotency;
        this.metrics = metrics;
    }

    /** One requested op: {@code op} is {@code put} or {@code delete}; {@code value} is base64. */
    public record BatchOp(
            String op, String key, String value, Long ttl, String ifMatch, String ifNoneMatch) {}

    public record BatchRequest(List<BatchOp> ops) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record OpResult(
            String key,
            int status,
            Long version,
            Long revision,
            String error,
            Long currentVersion) {}

    public record BatchResponse(boolean atomic, boolean committed, List<OpResult> results) {}

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Apply several puts/deletes; atomic when all keys share a shard")
    public CompletionStage<Response> batch(
            @HeaderParam(Requests.TENANT_HEADER) String tenantHeader,
            @HeaderParam(IdempotencyKeys.HEADER) String idempotencyKey,
            BatchRequest request) {
        long start = System.nanoTime();
        CompletionStage<Response> stage;
        try {
            String tenant = Requests.tenant(tenantHeader);
            List<KvOp> ops = parse(request);
            String once = IdempotencyKeys.key(idempotencyKey, idempotency);
            stage =
                    router.batch(tenant, ops, IdempotencyKeys.batch(once, ops))
                            .thenApply(
                                    result -> {
                                        List<OpResult> results = new ArrayList<>();
                                        boolean committed = true;
                                        for (int i = 0; i < ops.size(); i++) {
                                            OpResult r =
                                                    toResult(
                                                            ops.get(i).key(),
                                                            result.results().get(i));
                                            if (r.status() >= 400) {
                                                committed = committed && !result.atomic();
                                            }
                                            results.add(r);
                                        }
                                        BatchResponse body =
                                                new BatchResponse(
                                                        result.atomic(), committed, results);
                                        int status = result.atomic() && !committed ? 412 : 200;
                                        Response.ResponseBuilder answer =
                                                Response.status(status)
                                                        .type(MediaType.APPLICATION_JSON_TYPE)
                                                        .entity(body);
                                        if (result.replayed()) {
                                            answer.header(IdempotencyKeys.REPLAYED_HEADER, "true");
                                            metrics.replayed("batch");
                                        }
                                        return answer.build();
                                    });
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        return stage.exceptionally(ErrorMappers::toResponse)
                .thenApply(
                        r -> {
                            metrics.record("batch", r.getStatus(), start);
                            return r;
                        });
    }

    private List<KvOp> parse(BatchRequest request) {
        if (request == null || request.ops() == null || request.ops().isEmpty()) {
            throw ApiException.badRequest("ops must be a non-empty array");
        }
        if (request.ops().size() > limits.maxBatchOps()) {
            throw ApiException.tooLarge(
                    "batch has "
                            + request.ops().size()
                            + " ops; the limit is "
                            + limits.maxBatchOps());
        }
        List<KvOp> ops = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < request.ops().size(); i++) {
            BatchOp op = request.ops().get(i);
            if (op == null || op.op() == null) {
                throw ApiException.badRequest("ops[" + i + "].op is required (put or delete)");
            }
            byte[] key = Requests.key(op.key(), limits);
            if (!seen.add(op.key())) {
                throw ApiException.badRequest("ops[" + i + "]: key " + op.key() + " appears twice");
            }
            Precondition pre = Requests.precondition(op.ifMatch(), op.ifNoneMatch());
            switch (op.op()) {
                case "put" -> {
                    if (op.value() == null) {
                        throw ApiException.badRequest("ops[" + i + "].value (base64) is required");
                    }
                    byte[] value;
                    try {
                        value = Base64.getDecoder().decode(op.value());
                    } catch (IllegalArgumentException e) {
                        throw ApiException.badRequest("ops[" + i + "].value is not base64");
                    }
                    Requests.value(value, limits);
                    long ttl = op.ttl() == null ? 0 : Requests.ttl(Long.toString(op.ttl()));
                    ops.add(new KvOp.Put(op.key(), key, value, ttl, pre));
                }
                case "delete" -> {
                    if (op.value() != null) {
                        throw ApiException.badRequest("ops[" + i + "]: a delete takes no value");
                    }
                    ops.add(new KvOp.Delete(op.key(), key, pre));
                }
                default ->
                        throw ApiException.badRequest(
                                "ops[" + i + "].op must be put or delete, got " + op.op());
            }
        }
        return ops;
    }

    private static OpResult toResult(String key, Outcome o) {
        return switch (o) {
            case Outcome.Written w -> new OpResult(key, 200, w.version(), w.revision(), null, null);
            case Outcome.Deleted d -> new OpResult(key, 204, null, d.revision(), null, null);
            case Outcome.PreconditionFailed f ->
                    new OpResult(key, 412, null, null, "PRECONDITION_FAILED", f.currentVersion());
            case Outcome.NotApplied n -> new OpResult(key, 409, null, null, "NOT_APPLIED", null);
            case Outcome.BatchApplied b -> throw new IllegalStateException("nested batch outcome");
            case Outcome.Replayed r -> throw new IllegalStateException("replayed per-op outcome");
            case Outcome.IdempotencyKeyReused k ->
                    throw new IllegalStateException("per-op idempotency outcome");
        };
    }
}
