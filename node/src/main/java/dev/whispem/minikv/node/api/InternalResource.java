package dev.whispem.minikv.node.api;

import static dev.whispem.minikv.node.api.ClusterResource.FORWARDED;
import static dev.whispem.minikv.node.api.ClusterResource.json;
import static dev.whispem.minikv.node.api.ClusterResource.relay;

import dev.whispem.minikv.node.cluster.ClusterAdmin;
import dev.whispem.minikv.node.cluster.ClusterMap;
import dev.whispem.minikv.node.cluster.VolumeReport;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Node-to-node calls: volume heartbeats and coordinator registration, answered by the leader. */
@Path("/v1/internal")
@Tag(name = "internal")
@Produces(MediaType.APPLICATION_JSON)
public class InternalResource {

    private final ClusterAdmin admin;

    public InternalResource(ClusterAdmin admin) {
        this.admin = admin;
    }

    @POST
    @Path("heartbeat")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "A volume server's heartbeat; answers the shard map (node to node)")
    public Response heartbeat(VolumeReport report, @HeaderParam(FORWARDED) String fwd) {
        if (report == null
                || report.id() == null
                || report.http() == null
                || report.raft() == null) {
            return ApiError.response(400, "BAD_REQUEST", "a heartbeat needs id, http and raft");
        }
        return relay(
                admin.onLeader(
                        "POST",
                        "/v1/internal/heartbeat",
                        json(report),
                        fwd != null,
                        c -> c.heartbeat(report)));
    }

    @POST
    @Path("coordinators/register")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "A coordinator asks to be known before it is added (node to node)")
    public Response register(ClusterMap.Coordinator candidate, @HeaderParam(FORWARDED) String fwd) {
        if (candidate == null || candidate.id() == null || candidate.raft() == null) {
            return ApiError.response(400, "BAD_REQUEST", "a registration needs id, http and raft");
        }
        return relay(
                admin.onLeader(
                        "POST",
                        "/v1/internal/coordinators/register",
                        json(candidate),
                        fwd != null,
                        c -> c.register(candidate)));
    }
}
