package dev.whispem.minikv.node.cluster;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A change to the {@link ClusterMap}, proposed to the metadata group and applied by every
 * coordinator in log order. {@link #applyTo} is deterministic and either returns the next map or
 * throws {@link Rejected} leaving the map unchanged; a command that changes nothing returns the
 * same map (same epoch), so retries are harmless.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = MetadataCommand.Initialize.class, name = "initialize"),
    @JsonSubTypes.Type(value = MetadataCommand.PutCoordinator.class, name = "put-coordinator"),
    @JsonSubTypes.Type(
            value = MetadataCommand.RemoveCoordinator.class,
            name = "remove-coordinator"),
    @JsonSubTypes.Type(value = MetadataCommand.RegisterVolume.class, name = "register-volume"),
    @JsonSubTypes.Type(value = MetadataCommand.DrainVolume.class, name = "drain-volume"),
    @JsonSubTypes.Type(value = MetadataCommand.CancelDrain.class, name = "cancel-drain"),
    @JsonSubTypes.Type(value = MetadataCommand.RemoveVolume.class, name = "remove-volume"),
    @JsonSubTypes.Type(value = MetadataCommand.Assign.class, name = "assign"),
    @JsonSubTypes.Type(value = MetadataCommand.StartMove.class, name = "start-move"),
    @JsonSubTypes.Type(value = MetadataCommand.FinishMove.class, name = "finish-move"),
    @JsonSubTypes.Type(value = MetadataCommand.RetargetMove.class, name = "retarget-move"),
})
public sealed interface MetadataCommand {

    ClusterMap applyTo(ClusterMap map);

    /** The command is not valid against the current map; nothing was changed. */
    final class Rejected extends RuntimeException {
        public Rejected(String message) {
            super(message);
        }
    }

    /** Fixes the group count and replication factor; only the first one applies. */
    record Initialize(int groups, int replicationFactor) implements MetadataCommand {
        @Override
        public ClusterMap applyTo(ClusterMap map) {
            if (map.initialised()) {
                return map;
            }
            if (groups < 1 || replicationFactor < 1) {
                throw new Rejected("groups and replication factor must be positive");
            }
            List<ClusterMap.Placement> placements = new ArrayList<>();
            for (int g = 0; g < groups; g++) {
                placements.add(ClusterMap.Placement.unassigned());
            }
            return new ClusterMap(
                    map.epoch() + 1,
                    replicationFactor,
                    map.coordinators(),
                    map.volumes(),
                    placements);
        }
    }

    /** Records a coordinator's addresses and whether it votes (adds or updates it). */
    record PutCoordinator(ClusterMap.Coordinator coordinator) implements MetadataCommand {
        @Override
        public ClusterMap applyTo(ClusterMap map) {
            if (coordinator.equals(map.coordinators().get(coordinator.id()))) {
                return map;
            }
            Map<String, ClusterMap.Coordinator> next = new TreeMap<>(map.coordinators());
            next.put(coordinator.id(), coordinator);
            return map.withCoordinators(next);
        }
    }

    record RemoveCoordinator(String id) implements MetadataCommand {
        @Override
        public ClusterMap applyTo(ClusterMap map) {
            if (!map.coordinators().containsKey(id)) {
                return map;
            }
            Map<String, ClusterMap.Coordinator> next = new TreeMap<>(map.coordinators());
            next.remove(id);
            return map.withCoordinators(next);
        }
    }

    /** A volume server announces itself (first start, or new addresses); draining is kept. */
    record RegisterVolume(String id, String http, String raft) implements MetadataCommand {
        @Override
        public ClusterMap applyTo(ClusterMap map) {
            ClusterMap.Volume old = map.volumes().get(id);
            ClusterMap.Volume now =
                    new ClusterMap.Volume(id, http, raft, old != null && old.draining());
            if (now.equals(old)) {
                return map;
            }
            Map<String, ClusterMap.Volume> next = new TreeMap<>(map.volumes());
            next.put(id, now);
            return map.withVolumes(next);
        }
    }

    /** Marks a volume server draining: the balancer moves its replicas away. */
    record DrainVolume(String id) implements MetadataCommand {
        @Override
        public ClusterMap applyTo(ClusterMap map) {
            return withDraining(map, id, true);
        }
    }

    /**
     * Takes a volume server out of draining: it keeps the replicas it still has and may receive new
     * ones. A move already started finishes (a Raft membership change is not undone half-way). A
     * coordinator older than this command reads it as unreadable and changes nothing until it
     * restarts on a version that knows it and replays the log (decision 0113).
     */
    record CancelDrain(String id) implements MetadataCommand {
        @Override
        public ClusterMap applyTo(ClusterMap map) {
            return withDraining(map, id, false);
        }
    }

    /** The map with volume server {@code id} (which must exist) draining or not. */
    private static ClusterMap withDraining(ClusterMap map, String id, boolean draining) {
        ClusterMap.Volume old = map.volumes().get(id);
        if (old == null) {
            throw new Rejected("no volume server " + id);
        }
        if (old.draining() == draining) {
            return map;
        }
        Map<String, ClusterMap.Volume> next = new TreeMap<>(map.volumes());
        next.put(id, new ClusterMap.Volume(id, old.http(), old.raft(), draining));
        return map.withVolumes(next);
    }

    /** Forgets a volume server that holds no replica any more. */
    record RemoveVolume(String id) implements MetadataCommand {
        @Override
        public ClusterMap applyTo(ClusterMap map) {
            if (!map.volumes().containsKey(id)) {
                return map;
            }
            int held = map.groupsOf(id).size();
            if (held > 0) {
                throw new Rejected(
                        "volume server " + id + " still holds " + held + " groups; drain it first");
            }
            Map<String, ClusterMap.Volume> next = new TreeMap<>(map.volumes());
            next.remove(id);
            return map.withVolumes(next);
        }
    }

    /** Places an unassigned group on its first replicas. */
    record Assign(int group, List<String> replicas) implements MetadataCommand {
        @Override
        public ClusterMap applyTo(ClusterMap map) {
            ClusterMap.Placement p = placement(map, group);
            if (p.replicas().equals(replicas)) {
                return map;
            }
            if (!p.replicas().isEmpty()) {
                throw new Rejected("group " + group + " is already assigned");
            }
            requireVolumes(map, replicas);
            return map.withPlacement(group, new ClusterMap.Placement(replicas, null));
        }
    }

    /** Starts changing a group's replicas to {@code target} (one move at a time per group). */
    record StartMove(int group, List<String> target) implements MetadataCommand {
        @Override
        public ClusterMap applyTo(ClusterMap map) {
            ClusterMap.Placement p = placement(map, group);
            if (target.equals(p.target())) {
                return map;
            }
            if (p.moving()) {
                throw new Rejected("group " + group + " is already moving to " + p.target());
            }
            if (p.replicas().isEmpty()) {
                throw new Rejected("group " + group + " is not assigned");
            }
            requireVolumes(map, target);
            return map.withPlacement(group, new ClusterMap.Placement(p.replicas(), target));
        }
    }

    /**
     * Gives a move under way another new member: {@code to} instead of {@code from}, a new member
     * that was lost before the move finished. Without it the move, and every move queued behind it
     * (the move limit), would wait for a server that never comes back. Safe whatever Raft step the
     * move had reached: the next membership change goes from the group's actual members to the new
     * target, and a finish recorded for the old target is refused. A coordinator older than this
     * command reads it as unreadable and changes nothing (see {@link CancelDrain}).
     */
    record RetargetMove(int group, String from, String to) implements MetadataCommand {
        @Override
        public ClusterMap applyTo(ClusterMap map) {
            ClusterMap.Placement p = placement(map, group);
            if (!p.moving() || !p.target().contains(from) || p.replicas().contains(from)) {
                throw new Rejected(
                        "group " + group + " has no move under way with new member " + from);
            }
            if (p.target().contains(to) || p.replicas().contains(to)) {
                throw new Rejected("group " + group + " already has " + to);
            }
            List<String> target = new ArrayList<>(p.target());
            target.set(target.indexOf(from), to);
            requireVolumes(map, target);
            return map.withPlacement(group, new ClusterMap.Placement(p.replicas(), target));
        }
    }

    /** Records that a group's membership change to {@code target} has committed. */
    record FinishMove(int group, List<String> target) implements MetadataCommand {
        @Override
        public ClusterMap applyTo(ClusterMap map) {
            ClusterMap.Placement p = placement(map, group);
            if (!p.moving() && p.replicas().equals(target)) {
                return map;
            }
            if (!target.equals(p.target())) {
                throw new Rejected("group " + group + " is not moving to " + target);
            }
            return map.withPlacement(group, new ClusterMap.Placement(target, null));
        }
    }

    private static ClusterMap.Placement placement(ClusterMap map, int group) {
        if (group < 0 || group >= map.groups().size()) {
            throw new Rejected("no group " + group);
        }
        return map.groups().get(group);
    }

    private static void requireVolumes(ClusterMap map, List<String> ids) {
        if (ids.isEmpty() || new HashSet<>(ids).size() != ids.size()) {
            throw new Rejected("replicas must be distinct and non-empty: " + ids);
        }
        for (String id : ids) {
            if (!map.volumes().containsKey(id)) {
                throw new Rejected("no volume server " + id);
            }
        }
    }
}
