package dev.whispem.minikv.node.cluster;

import dev.whispem.minikv.node.replication.NotLeaderException;
import dev.whispem.minikv.node.routing.ShardHasher;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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

    /**
     * A volume server as the report shows it.
     *
     * @param leads the shard groups it leads, as its latest heartbeat said
     */
    public record VolumeHealth(
            String member, boolean healthy, int shards, boolean draining, String http, int leads) {}

    public record DrainProgress(String member, int remainingShards, boolean drained) {}

    /** A volume server after its drain was cancelled: the shards it kept. */
    public record DrainCancelled(String member, boolean draining, int shards) {}

    /** What the node does for the call when it is the metadata leader. */
    @FunctionalInterface
    public interface LeaderCall {
        Object run(CoordinatorService leader) throws Exception;
    }

    private final CoordinatorService coordinator; // null unless this node is a coordinator
    private final List<String> coordinators;
    private final String standaloneId; // null unless this node is standalone
    private final int standaloneGroups; // the groups a standalone node leads: all of its own
    private final ClusterHttp http;
    private final ClusterSettings settings;

    public ClusterAdmin(
            CoordinatorService coordinator,
            List<String> coordinators,
            String standaloneId,
            int standaloneGroups,
            ClusterHttp http,
            ClusterSettings settings) {
        this.coordinator = coordinator;
        this.coordinators = coordinators;
        this.standaloneId = standaloneId;
        this.standaloneGroups = standaloneGroups;
        this.http = http;
        this.settings = settings;
    }

    // One method per call of docs/api/admin.md, shared by the JSON and gRPC front ends. Each runs
    // on the metadata leader; elsewhere it is forwarded there as the JSON request it names, so
    // {@code forwarded} says the request already made its one hop.

    /**
     * This coordinator's metadata map with the log position it reflects, for a coordinator behind
     * the purged metadata log; null on other roles.
     */
    public byte[] metadataSnapshot() {
        return coordinator == null ? null : coordinator.metadata().snapshot();
    }

    /** The cluster report; a standalone node reports itself as a one-node cluster. */
    public Result cluster(boolean forwarded) {
        if (standalone()) {
            return new Result(200, standaloneReport());
        }
        return onLeader("GET", "/v1/admin/cluster", null, forwarded, c -> report(c, settings));
    }

    /** Starts (or continues) moving every replica off a volume server; answers the progress. */
    public Result drain(String member, boolean forwarded) {
        return onLeader(
                "POST",
                "/v1/admin/volumes/" + segment(member) + "/drain",
                "{}",
                forwarded,
                c -> {
                    int remaining = shardsOn(c.drainVolume(member), member);
                    return new DrainProgress(member, remaining, remaining == 0);
                });
    }

    /**
     * Stops a drain: the server keeps the shards it still holds and may receive new ones. Moves
     * already under way finish. Cancelling where no drain runs changes nothing.
     */
    public Result cancelDrain(String member, boolean forwarded) {
        return onLeader(
                "DELETE",
                "/v1/admin/volumes/" + segment(member) + "/drain",
                null,
                forwarded,
                c -> {
                    // The map as it stands when the cancel has applied: later commands included
                    // (drained again, or even removed by then).
                    ClusterMap map = c.cancelDrain(member);
                    ClusterMap.Volume now = map.volumes().get(member);
                    return new DrainCancelled(
                            member, now != null && now.draining(), shardsOn(map, member));
                });
    }

    /** Forgets a drained volume server. */
    public Result removeVolume(String member, boolean forwarded) {
        return onLeader(
                "DELETE",
                "/v1/admin/volumes/" + segment(member),
                null,
                forwarded,
                c -> {
                    c.removeVolume(member);
                    return Map.of("member", member, "removed", true);
                });
    }

    /** Adds a registered coordinator to the metadata group as a voting member. */
    public Result addCoordinator(String member, boolean forwarded) {
        return onLeader(
                "PUT",
                "/v1/admin/coordinators/" + segment(member),
                "{}",
                forwarded,
                c -> {
                    c.addCoordinator(member);
                    return Map.of("member", member, "voting", true);
                });
    }

    /** Removes a coordinator other than the leader from the metadata group. */
    public Result removeCoordinator(String member, boolean forwarded) {
        return onLeader(
                "DELETE",
                "/v1/admin/coordinators/" + segment(member),
                null,
                forwarded,
                c -> {
                    c.removeCoordinator(member);
                    return Map.of("member", member, "removed", true);
                });
    }

    /** Hands the metadata group's leadership to {@code member}. */
    public Result transferLeadership(String member, boolean forwarded) {
        return onLeader(
                "POST",
                "/v1/admin/leadership",
                MetadataStateMachine.json(Map.of("member", member)),
                forwarded,
                c -> {
                    c.transferLeadership(member);
                    return Map.of("leader", member);
                });
    }

    /** A volume server's heartbeat (node to node); answers the shard map. */
    public Result heartbeat(VolumeReport report, boolean forwarded) {
        return onLeader(
                "POST",
                "/v1/internal/heartbeat",
                MetadataStateMachine.json(report),
                forwarded,
                c -> c.heartbeat(report));
    }

    /** A coordinator asking to be known before it is added (node to node). */
    public Result register(ClusterMap.Coordinator candidate, boolean forwarded) {
        return onLeader(
                "POST",
                "/v1/internal/coordinators/register",
                MetadataStateMachine.json(candidate),
                forwarded,
                c -> c.register(candidate));
    }

    /** A member id as one path segment of a forwarded request. */
    private static String segment(String member) {
        return URLEncoder.encode(member, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Shards with a replica on {@code member}. */
    private static int shardsOn(ClusterMap map, String member) {
        return map.groupsOf(member).size() * shardsPerGroup(map);
    }

    private static int shardsPerGroup(ClusterMap map) {
        return map.groups().isEmpty() ? 0 : ShardHasher.SHARDS / map.groups().size();
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
                List.of(
                        new VolumeHealth(
                                standaloneId,
                                true,
                                ShardHasher.SHARDS,
                                false,
                                null,
                                standaloneGroups)),
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
    static Report report(CoordinatorService c, ClusterSettings settings) {
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
        int perGroup = shardsPerGroup(map);
        Map<String, Integer> leads = c.leaderCounts();
        List<VolumeHealth> vols = new ArrayList<>();
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (ClusterMap.Volume v : map.volumes().values()) {
            int shards = shardsOn(map, v.id());
            vols.add(
                    new VolumeHealth(
                            v.id(),
                            c.isLive(v.id()),
                            shards,
                            v.draining(),
                            v.http(),
                            leads.getOrDefault(v.id(), 0)));
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
