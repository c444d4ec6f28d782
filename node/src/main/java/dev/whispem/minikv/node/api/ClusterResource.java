package dev.whispem.minikv.node.api;

import dev.whispem.minikv.node.cluster.ClusterAdmin;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Cluster membership over JSON (docs/api/admin.md): the report the operator reads, volume drain and
 * removal, coordinator membership and leadership. Any node accepts these and forwards them to the
 * metadata leader.
 */
@Path("/v1/admin")
@Tag(name = "admin")
@Produces(MediaType.APPLICATION_JSON)
public class ClusterResource {

    static final String FORWARDED = "X-MiniKV-Forwarded";

    private final ClusterAdmin admin;

    public ClusterResource(ClusterAdmin admin) {
        this.admin = admin;
    }

    /** A leadership transfer request. */
    public record LeadershipRequest(String member) {}

    @GET
    @Path("cluster")
    @Operation(summary = "Members, health, leader, shard-map epoch, shards per volume, moves")
    public Response cluster(@HeaderParam(FORWARDED) String fwd) {
        return relay(admin.cluster(fwd != null));
    }

    @POST
    @Path("volumes/{member}/drain")
    @Operation(summary = "Move every shard replica off a volume server; answers the progress")
    public Response drain(@PathParam("member") String member, @HeaderParam(FORWARDED) String fwd) {
        return relay(admin.drain(member, fwd != null));
    }

    @DELETE
    @Path("volumes/{member}/drain")
    @Operation(summary = "Cancel a drain: the server keeps the shards it still holds")
    public Response cancelDrain(
            @PathParam("member") String member, @HeaderParam(FORWARDED) String fwd) {
        return relay(admin.cancelDrain(member, fwd != null));
    }

    @DELETE
    @Path("volumes/{member}")
    @Operation(summary = "Forget a drained volume server")
    public Response removeVolume(
            @PathParam("member") String member, @HeaderParam(FORWARDED) String fwd) {
        return relay(admin.removeVolume(member, fwd != null));
    }

    @PUT
    @Path("coordinators/{member}")
    @Operation(summary = "Add a registered coordinator to the metadata group")
    public Response addCoordinator(
            @PathParam("member") String member, @HeaderParam(FORWARDED) String fwd) {
        return relay(admin.addCoordinator(member, fwd != null));
    }

    @DELETE
    @Path("coordinators/{member}")
    @Operation(summary = "Remove a coordinator (not the leader) from the metadata group")
    public Response removeCoordinator(
            @PathParam("member") String member, @HeaderParam(FORWARDED) String fwd) {
        return relay(admin.removeCoordinator(member, fwd != null));
    }

    @POST
    @Path("leadership")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Hand the metadata group's leadership to a coordinator")
    public Response leadership(LeadershipRequest request, @HeaderParam(FORWARDED) String fwd) {
        if (request == null || request.member() == null || request.member().isBlank()) {
            return ApiError.response(400, "BAD_REQUEST", "body must be {\"member\": \"<id>\"}");
        }
        return relay(admin.transferLeadership(request.member(), fwd != null));
    }

    static Response relay(ClusterAdmin.Result r) {
        Object body = r.body() instanceof ClusterAdmin.RawJson raw ? raw.json() : r.body();
        return Response.status(r.status()).entity(body).type(MediaType.APPLICATION_JSON).build();
    }
}
