package dev.whispem.minikv.node.api;

import dev.whispem.minikv.node.cluster.ClusterAdmin;
import dev.whispem.minikv.node.cluster.ClusterMap;
import dev.whispem.minikv.node.cluster.ClusterSettings;
import dev.whispem.minikv.node.routing.ShardHasher;
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
import java.util.Map;
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
    private final ClusterSettings settings;

    public ClusterResource(ClusterAdmin admin, ClusterSettings settings) {
        this.admin = admin;
        this.settings = settings;
    }

    /** A leadership transfer request. */
    public record LeadershipRequest(String member) {}

    @GET
    @Path("cluster")
    @Operation(summary = "Members, health, leader, shard-map epoch, shards per volume, moves")
    public Response cluster(@HeaderParam(FORWARDED) String fwd) {
        if (admin.standalone()) {
            return Response.ok(admin.standaloneReport()).build();
        }
        return relay(
                admin.onLeader(
                        "GET",
                        "/v1/admin/cluster",
                        null,
                        fwd != null,
                        c -> ClusterAdmin.report(c, settings)));
    }

    @POST
    @Path("volumes/{member}/drain")
    @Operation(summary = "Move every shard replica off a volume server; answers the progress")
    public Response drain(@PathParam("member") String member, @HeaderParam(FORWARDED) String fwd) {
        return relay(
                admin.onLeader(
                        "POST",
                        "/v1/admin/volumes/" + member + "/drain",
                        "{}",
                        fwd != null,
                        c -> {
                            ClusterMap map = c.drainVolume(member);
                            int perGroup = ShardHasher.SHARDS / Math.max(1, map.groups().size());
                            int remaining = map.groupsOf(member).size() * perGroup;
                            return new ClusterAdmin.DrainProgress(
                                    member, remaining, remaining == 0);
                        }));
    }

    @DELETE
    @Path("volumes/{member}")
    @Operation(summary = "Forget a drained volume server")
    public Response removeVolume(
            @PathParam("member") String member, @HeaderParam(FORWARDED) String fwd) {
        return relay(
                admin.onLeader(
                        "DELETE",
                        "/v1/admin/volumes/" + member,
                        null,
                        fwd != null,
                        c -> {
                            c.removeVolume(member);
                            return Map.of("member", member, "removed", true);
                        }));
    }

    @PUT
    @Path("coordinators/{member}")
    @Operation(summary = "Add a registered coordinator to the metadata group")
    public Response addCoordinator(
            @PathParam("member") String member, @HeaderParam(FORWARDED) String fwd) {
        return relay(
                admin.onLeader(
                        "PUT",
                        "/v1/admin/coordinators/" + member,
                        "{}",
                        fwd != null,
                        c -> {
                            c.addCoordinator(member);
                            return Map.of("member", member, "voting", true);
                        }));
    }

    @DELETE
    @Path("coordinators/{member}")
    @Operation(summary = "Remove a coordinator (not the leader) from the metadata group")
    public Response removeCoordinator(
            @PathParam("member") String member, @HeaderParam(FORWARDED) String fwd) {
        return relay(
                admin.onLeader(
                        "DELETE",
                        "/v1/admin/coordinators/" + member,
                        null,
                        fwd != null,
                        c -> {
                            c.removeCoordinator(member);
                            return Map.of("member", member, "removed", true);
                        }));
    }

    @POST
    @Path("leadership")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Hand the metadata group's leadership to a coordinator")
    public Response leadership(LeadershipRequest request, @HeaderParam(FORWARDED) String fwd) {
        if (request == null || request.member() == null || request.member().isBlank()) {
            return ApiError.response(400, "BAD_REQUEST", "body must be {\"member\": \"<id>\"}");
        }
        return relay(
                admin.onLeader(
                        "POST",
                        "/v1/admin/leadership",
                        "{\"member\":\"" + request.member().replace("\"", "") + "\"}",
                        fwd != null,
                        c -> {
                            c.transferLeadership(request.member());
                            return Map.of("leader", request.member());
                        }));
    }

    static String json(Object o) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Response relay(ClusterAdmin.Result r) {
        Object body = r.body() instanceof ClusterAdmin.RawJson raw ? raw.json() : r.body();
        return Response.status(r.status()).entity(body).type(MediaType.APPLICATION_JSON).build();
    }
}
