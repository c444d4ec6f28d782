package dev.whispem.minikv.node.cluster;

import dev.whispem.minikv.node.replication.NotLeaderException;
import dev.whispem.minikv.node.routing.ShardHasher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * The cluster administration behind {@code /v1/admin} and {@code /v1/internal}: answered by the
 * metadata leader, forwarded to it from any other coordinator, and from volume servers to the
 * coordinators, so a client may call any node. A standalone node answers for itself.
 */
public final class ClusterAdmin {

    /** An answer to relay: HTTP status and JSON body. */
    public record Result(int status, Object body) {}

    /** The operator's view of the cluster (docs/api/admin.md). */
    public record Report(
            String leader,
            long epoch,
            int replicationFactor,
            List<CoordinatorHealth> coordinators,
            List<VolumeHealth> volumes,
            int totalShards,
            int movesInFlight,
            int underReplicatedShards,
            boolean balanced) {}

    public record CoordinatorHealth(
            String member, boolean healthy, boolean caughtUp, boolean voting) {}

    public record VolumeHealth(
            String member, boolean healthy, int shards, boolean draining, String http) {}

    public record DrainProgress(String member, int remainingShards, boolean drained) {}

    /** What the node does for the call when it is the metadata leader. */
    @FunctionalInterface
    public interface LeaderCall {
        Object run(CoordinatorService leader) throws Exception;
    }

    private final CoordinatorService coordinator; // null unless this node is a coordinator
    private final List<String> coordinators;
    private final String standaloneId; // null unless this node is standalone
    private final ClusterHttp http;

    public ClusterAdmin(
            CoordinatorService coordinator,
            List<String> coordinators,
            String standaloneId,
            ClusterHttp http) {
        this.coordinator = coordinator;
        this.coordinators = coordinators;
        this.standaloneId = standaloneId;
        this.http = http;
    }

    /**
     * Runs {@code call} on the metadata leader: here when this node leads, otherwise by forwarding
     * the same HTTP request (at most two hops: volume → coordinator → leader).
     */
    public Result onLeader(
            String method, String path, String body, boolean forwarded, LeaderCall call) {
        if (coordinator == null && coordinators.isEmpty()) {
            return new Result(
                    409,
                    error(
                            "NOT_A_CLUSTER",
                            "this node runs without coordinators (standalone or static peers)"));
        }
        if (coordinator != null && coordinator.metadata().isLeader()) {
            try {
                Object out = call.run(coordinator);
                return new Result(200, out == null ? Map.of("ok", true) : out);
            } catch (MetadataCommand.Rejected e) {
                return new Result(409, error("CONFLICT", e.getMessage()));
            } catch (ExecutionException e) {
                return failure(e.getCause());
            } catch (Exception e) {
                return failure(e);
            }
        }
        ClusterHttp.Answer a;
        if (coordinator != null) {
            ClusterMap.Coordinator leader = leaderEntry();
            if (leader == null || forwarded) {
                return new Result(
                        503, error("NO_LEADER", "the metadata group has no known leader yet"));
            }
            a = http.send(leader.http(), method, path, body, Duration.ofSeconds(90));
        } else {
            a = http.sendToAny(coordinators, 0, method, path, body, Duration.ofSeconds(90));
        }
        return new Result(a.status(), new RawJson(a.body()));
    }

    /** A body already encoded as JSON, relayed unchanged. */
    public record RawJson(String json) {}

    private ClusterMap.Coordinator leaderEntry() {
        String id = coordinator.metadata().leaderId();
        return id == null ? null : coordinator.metadata().map().coordinators().get(id);
    }

    private static Result failure(Throwable e) {
        if (e instanceof MetadataCommand.Rejected r) {
            return new Result(409, error("CONFLICT", r.getMessage()));
        }
        if (e instanceof NotLeaderException) {
            return new Result(503, error("NO_LEADER", "leadership changed; retry"));
        }
        return new Result(503, error("UNAVAILABLE", String.valueOf(e.getMessage())));
    }

    static Map<String, String> error(String code, String message) {
        return Map.of("error", code, "message", message);
    }

    /** The report of a standalone node: one coordinator and one volume server, itself. */
    public Report standaloneReport() {
        return new Report(
                standaloneId,
                0,
                1,
                List.of(new CoordinatorHealth(standaloneId, true, true, true)),
                List.of(new VolumeHealth(standaloneId, true, ShardHasher.SHARDS, false, null)),
                ShardHasher.SHARDS,
                0,
                0,
                true);
    }

    /** A standalone node, which reports itself as a one-node cluster. */
    public boolean standalone() {
        return standaloneId != null;
    }

    /** The cluster report, computed by the leader. */
    public static Report report(CoordinatorService c, ClusterSettings settings) {
        ClusterMap map = c.metadata().map();
        Map<String, MetadataGroup.FollowerProgress> followers = c.metadata().followers();
        long timeout = settings.livenessTimeout().toMillis();
        List<CoordinatorHealth> coords = new ArrayList<>();
        for (ClusterMap.Coordinator k : map.coordinators().values()) {
            boolean self = k.id().equals(c.self().id());
            MetadataGroup.FollowerProgress f = followers.get(k.id());
            coords.add(
                    new CoordinatorHealth(
                            k.id(),
                            self || (f != null && f.lastContactMillis() <= timeout),
                            self || (f != null && f.lag() <= 10),
                            k.voting()));
        }
        int perGroup = map.groups().isEmpty() ? 0 : ShardHasher.SHARDS / map.groups().size();
        List<VolumeHealth> vols = new ArrayList<>();
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (ClusterMap.Volume v : map.volumes().values()) {
            int shards = map.groupsOf(v.id()).size() * perGroup;
            vols.add(new VolumeHealth(v.id(), c.isLive(v.id()), shards, v.draining(), v.http()));
            if (!v.draining()) {
                min = Math.min(min, shards);
                max = Math.max(max, shards);
            }
        }
        int under = 0;
        for (ClusterMap.Placement p : map.groups()) {
            long healthy = p.replicas().stream().filter(c::isLive).count();
            if (healthy < map.replicationFactor()) {
                under += perGroup;
            }
        }
        return new Report(
                c.metadata().leaderId(),
                map.epoch(),
                map.replicationFactor(),
                coords,
                vols,
                ShardHasher.SHARDS,
                map.movesInFlight(),
                under,
                vols.isEmpty() || max - min <= perGroup);
    }
}
