package dev.whispem.minikv.operator.admin;

import java.util.List;
import java.util.Optional;

/**
 * The cluster as its coordinators report it: the metadata group's members and leader, the volume
 * servers with their shard counts, and rebalancing in flight.
 */
public record ClusterReport(
        String leader,
        List<Coordinator> coordinators,
        List<Volume> volumes,
        int totalShards,
        int movesInFlight,
        int underReplicatedShards) {

    public ClusterReport {
        coordinators = List.copyOf(coordinators);
        volumes = List.copyOf(volumes);
    }

    /**
     * A member of the metadata group. {@code caughtUp}: its log matches the leader's commit index.
     */
    public record Coordinator(String member, boolean healthy, boolean caughtUp) {}

    /** A volume server and the shard replicas it holds. */
    public record Volume(String member, boolean healthy, int shards, boolean draining) {}

    public Optional<Coordinator> coordinator(String member) {
        return coordinators.stream().filter(c -> c.member().equals(member)).findFirst();
    }

    public Optional<Volume> volume(String member) {
        return volumes.stream().filter(v -> v.member().equals(member)).findFirst();
    }

    public boolean allCoordinatorsHealthy() {
        return coordinators.stream().allMatch(c -> c.healthy() && c.caughtUp());
    }

    public boolean allVolumesHealthy() {
        return volumes.stream().allMatch(Volume::healthy);
    }
}
