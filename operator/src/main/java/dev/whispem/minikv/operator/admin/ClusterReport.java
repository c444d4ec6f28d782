package dev.whispem.minikv.operator.admin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Optional;

/**
 * The cluster as its coordinators report it ({@code GET /v1/admin/cluster}): the metadata group's
 * leader and coordinators, the shard map's epoch, the volume servers with their shard counts, and
 * rebalancing in flight. Fields the node adds later are ignored.
 *
 * @param epoch version of the shard map; every change to it bumps the epoch
 * @param balanced whether the serving volume servers' shard counts are within one group of each
 *     other
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClusterReport(
        String leader,
        long epoch,
        int replicationFactor,
        List<Coordinator> coordinators,
        List<Volume> volumes,
        int totalShards,
        int movesInFlight,
        int underReplicatedShards,
        boolean balanced) {

    public ClusterReport {
        coordinators = coordinators == null ? List.of() : List.copyOf(coordinators);
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
    }

    /**
     * A coordinator. {@code voting}: a member of the metadata group; a started coordinator that
     * registered but has not been added yet is reported with {@code voting} false (and is neither
     * healthy nor caught up, the leader does not replicate to it). {@code caughtUp}: its log is
     * close to the leader's commit index.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Coordinator(String member, boolean healthy, boolean caughtUp, boolean voting) {}

    /**
     * A volume server and the shard replicas it holds or is receiving. A drained server is one that
     * is {@code draining} with no shard left.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Volume(String member, boolean healthy, int shards, boolean draining) {
        public boolean drained() {
            return draining && shards == 0;
        }
    }

    public Optional<Coordinator> coordinator(String member) {
        return coordinators.stream().filter(c -> c.member().equals(member)).findFirst();
    }

    public Optional<Volume> volume(String member) {
        return volumes.stream().filter(v -> v.member().equals(member)).findFirst();
    }

    /** The voting members of the metadata group. */
    public List<Coordinator> voters() {
        return coordinators.stream().filter(Coordinator::voting).toList();
    }

    /** Whether {@code member} registered with the leader and waits to be added. */
    public boolean registered(String member) {
        return coordinator(member).map(c -> !c.voting()).orElse(false);
    }

    /** Every voting member is healthy and caught up; registered non-members do not count. */
    public boolean allCoordinatorsHealthy() {
        return voters().stream().allMatch(c -> c.healthy() && c.caughtUp());
    }

    /** Every volume server that holds or may receive data is healthy; drained ones do not count. */
    public boolean allVolumesHealthy() {
        return volumes.stream().filter(v -> !v.drained()).allMatch(Volume::healthy);
    }
}
