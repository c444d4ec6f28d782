package dev.whispem.minikv.node.api;

import static dev.whispem.minikv.node.api.ClusterResource.FORWARDED;
import static dev.whispem.minikv.node.api.ClusterResource.relay;

import dev.whispem.minikv.node.cluster.ClusterAdmin;
import dev.whispem.minikv.node.cluster.ClusterMap;
import dev.whispem.minikv.node.cluster.VolumeReport;
import dev.whispem.minikv.node.replication.RatisReplicator;
import dev.whispem.minikv.node.replication.Replicator;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Node-to-node calls: volume heartbeats and coordinator registration, answered by the leader; a
 * shard group's snapshot, answered by any replica of the group; and the metadata map's snapshot,
 * answered by any coordinator.
 */
@Path("/v1/internal")
@Tag(name = "internal")
@Produces(MediaType.APPLICATION_JSON)
public class InternalResource {

    private static final org.jboss.logging.Logger LOG =
            org.jboss.logging.Logger.getLogger(InternalResource.class);

    private final ClusterAdmin admin;
    private final Replicator replicator;

    public InternalResource(ClusterAdmin admin, Replicator replicator) {
        this.admin = admin;
        this.replicator = replicator;
    }

    @GET
    @Path("groups/{group}/snapshot")
    @Produces({MediaType.APPLICATION_OCTET_STREAM, MediaType.APPLICATION_JSON})
    @Operation(
            summary =
                    "This replica's state of a shard group as a snapshot stream, for a follower"
                            + " behind the leader's purged log (node to node)")
    public Response snapshot(@PathParam("group") int group) {
        if (!(replicator instanceof RatisReplicator ratis)
                || group < 0
                || group >= ratis.groupCount()
                || !ratis.hosts(group)) {
            return ApiError.response(
                    404, "NOT_FOUND", "group " + group + " has no replica on this node");
        }
        StreamingOutput body =
                out -> {
                    long start = System.nanoTime();
                    try {
                        long entries = ratis.exportSnapshot(group, out);
                        LOG.infof(
                                "served a snapshot of group %d: %d entries in %d ms",
                                group, entries, (System.nanoTime() - start) / 1_000_000);
                    } catch (IllegalStateException e) {
                        // Cut short: the receiver sees a truncated stream and rejects it.
                        throw new java.io.IOException(e.getMessage(), e);
                    }
                };
        return Response.ok(body, MediaType.APPLICATION_OCTET_STREAM).build();
    }

    @GET
    @Path("metadata/snapshot")
    @Operation(
            summary =
                    "This coordinator's metadata map and the log position it reflects, for a"
                            + " coordinator behind the purged metadata log (node to node)")
    public Response metadataSnapshot() {
        byte[] snapshot = admin.metadataSnapshot();
        if (snapshot == null) {
            return ApiError.response(404, "NOT_FOUND", "this node is not a coordinator");
        }
        return Response.ok(snapshot, MediaType.APPLICATION_JSON).build();
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
        return relay(admin.heartbeat(report, fwd != null));
    }

    @POST
    @Path("coordinators/register")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "A coordinator asks to be known before it is added (node to node)")
    public Response register(ClusterMap.Coordinator candidate, @HeaderParam(FORWARDED) String fwd) {
        if (candidate == null || candidate.id() == null || candidate.raft() == null) {
            return ApiError.response(400, "BAD_REQUEST", "a registration needs id, http and raft");
        }
        return relay(admin.register(candidate, fwd != null));
    }
}
