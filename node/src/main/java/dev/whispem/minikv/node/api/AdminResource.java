package dev.whispem.minikv.node.api;

import dev.whispem.minikv.node.NodeConfig;
import dev.whispem.minikv.node.replication.Replicator;
import dev.whispem.minikv.node.routing.ShardHasher;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Cluster administration over JSON: {@code /v1/admin}. See docs/api/admin.md. */
@Path("/v1/admin")
@Tag(name = "admin")
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

    private final Replicator replicator;
    private final NodeConfig node;
    private final dev.whispem.minikv.node.routing.KvRouter router;

    public AdminResource(
            Replicator replicator,
            NodeConfig node,
            dev.whispem.minikv.node.routing.KvRouter router) {
        this.replicator = replicator;
        this.node = node;
        this.router = router;
    }

    /** This node's view of the cluster. */
    public record Status(
            String role,
            boolean ready,
            List<String> members,
            int shards,
            int groups,
            List<Replicator.GroupStatus> groupStatus) {}

    @GET
    @Path("status")
    @Operation(summary = "Members, readiness, and leader/term/commit/apply of every shard group")
    public Status status() {
        return new Status(
                node.role().name().toLowerCase(java.util.Locale.ROOT),
                replicator.isReady(),
                replicator.members(),
                ShardHasher.SHARDS,
                router.layout().groups(),
                replicator.groupStatus());
    }

    @POST
    @Path("groups/{group}/transfer-leadership")
    @Operation(summary = "Hand a group's leadership to another member (any when 'to' is absent)")
    public CompletionStage<Response> transfer(
            @PathParam("group") int group, @QueryParam("to") String to) {
        if (group < 0 || group >= router.layout().groups()) {
            return CompletableFuture.completedFuture(
                    ApiError.response(404, "NOT_FOUND", "no group " + group));
        }
        return replicator
                .transferLeadership(group, to)
                .handle(
                        (ok, error) ->
                                error == null && ok
                                        ? Response.ok(
                                                        java.util.Map.of(
                                                                "group",
                                                                group,
                                                                "transferred",
                                                                true))
                                                .build()
                                        : ApiError.response(
                                                409,
                                                "TRANSFER_FAILED",
                                                error == null
                                                        ? "no other member can lead group " + group
                                                        : String.valueOf(error.getMessage())));
    }
}
