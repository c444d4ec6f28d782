package dev.whispem.minikv.node.cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cluster as the metadata group records it: coordinators, volume servers, and which volume
 * servers hold each replication group (the shard map). Immutable; every change made through a
 * {@link MetadataCommand} yields a new map with a higher {@code epoch}, so a cached copy can be
 * recognised as stale by comparing epochs.
 *
 * @param epoch bumped by every change
 * @param replicationFactor replicas per group, fixed when the cluster is initialised
 * @param coordinators by member id
 * @param volumes by member id
 * @param groups placement of group {@code g} at index {@code g}; empty before initialisation
 */
public record ClusterMap(
        long epoch,
        int replicationFactor,
        Map<String, Coordinator> coordinators,
        Map<String, Volume> volumes,
        List<Placement> groups) {

    public ClusterMap {
        coordinators = Collections.unmodifiableMap(new TreeMap<>(coordinators));
        volumes = Collections.unmodifiableMap(new TreeMap<>(volumes));
        groups = List.copyOf(groups);
    }

    /** The map of a metadata group that has applied nothing yet. */
    public static ClusterMap empty() {
        return new ClusterMap(0, 0, Map.of(), Map.of(), List.of());
    }

    /**
     * A member of the metadata group, or a coordinator that asked to join it ({@code voting} false
     * until the membership change that adds it has committed).
     */
    public record Coordinator(String id, String http, String raft, boolean voting) {}

    /**
     * A volume server; {@code draining} ones receive no new replicas and lose the ones they have.
     */
    public record Volume(String id, String http, String raft, boolean draining) {}

    /**
     * The replicas of one group. {@code target} is non-null while a move is in flight: the
     * membership the group is being changed to. Members of {@code target} not in {@code replicas}
     * host the group already (as learners catching up) but are not yet voting members.
     */
    public record Placement(List<String> replicas, List<String> target) {
        public Placement {
            replicas = List.copyOf(replicas);
            target = target == null ? null : List.copyOf(target);
        }

        public static Placement unassigned() {
            return new Placement(List.of(), null);
        }

        public boolean moving() {
            return target != null;
        }

        /** Whether {@code volume} must host this group: a replica, or the target of a move. */
        public boolean hostedBy(String volume) {
            return replicas.contains(volume) || (target != null && target.contains(volume));
        }
    }

    public boolean initialised() {
        return !groups.isEmpty();
    }

    /** Groups {@code volume} hosts or is receiving. */
    public List<Integer> groupsOf(String volume) {
        List<Integer> out = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            if (groups.get(g).hostedBy(volume)) {
                out.add(g);
            }
        }
        return out;
    }

    public int movesInFlight() {
        return (int) groups.stream().filter(Placement::moving).count();
    }

    ClusterMap withCoordinators(Map<String, Coordinator> next) {
        return new ClusterMap(epoch + 1, replicationFactor, next, volumes, groups);
    }

    ClusterMap withVolumes(Map<String, Volume> next) {
        return new ClusterMap(epoch + 1, replicationFactor, coordinators, next, groups);
    }

    ClusterMap withPlacement(int group, Placement placement) {
        List<Placement> next = new ArrayList<>(groups);
        next.set(group, placement);
        return new ClusterMap(epoch + 1, replicationFactor, coordinators, volumes, next);
    }
}
