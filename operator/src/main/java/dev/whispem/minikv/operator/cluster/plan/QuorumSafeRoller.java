package dev.whispem.minikv.operator.cluster.plan;

import dev.whispem.minikv.operator.admin.ClusterReport;
import dev.whispem.minikv.operator.cluster.NodeRole;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Rolls outdated pods one at a time: coordinators first (followers by descending ordinal, the
 * leader last and only after it handed leadership to an updated follower), then volume servers.
 * Nothing is restarted while any pod is not ready, any member is unhealthy or behind, or shards are
 * under-replicated.
 */
public final class QuorumSafeRoller {
    private QuorumSafeRoller() {}

    public sealed interface Step {}

    public record Done() implements Step {}

    public record Wait(String reason) implements Step {}

    public record Act(Action action) implements Step {}

    public static Step next(ObservedCluster observed) {
        if (!observed.statefulSetsObserved()) {
            return new Wait("waiting for the StatefulSet controller to observe the new templates");
        }
        List<PodState> outdated = observed.pods().stream().filter(p -> !p.updated()).toList();
        if (outdated.isEmpty()) {
            return new Done();
        }
        Optional<PodState> unready =
                observed.pods().stream().filter(p -> !p.ready() || p.terminating()).findFirst();
        if (unready.isPresent()) {
            return new Wait("waiting for " + unready.get().name() + " to be ready");
        }
        if (observed.report().isEmpty()) {
            return new Wait("admin API unavailable: not restarting anything");
        }
        ClusterReport report = observed.report().get();
        if (!report.allCoordinatorsHealthy() || !report.allVolumesHealthy()) {
            return new Wait("waiting for every member to be healthy and caught up");
        }
        if (report.underReplicatedShards() > 0) {
            return new Wait(
                    "waiting for " + report.underReplicatedShards() + " under-replicated shards");
        }
        List<PodState> coordinators = byDescendingOrdinal(outdated, NodeRole.COORDINATOR);
        if (!coordinators.isEmpty()) {
            Optional<PodState> follower =
                    coordinators.stream()
                            .filter(p -> !p.name().equals(report.leader()))
                            .findFirst();
            if (follower.isPresent()) {
                return new Act(
                        new Action.DeletePod(follower.get().name(), "new revision, follower"));
            }
            PodState leader = coordinators.getFirst();
            Optional<String> successor =
                    report.voters().stream()
                            .filter(c -> !c.member().equals(leader.name()))
                            .filter(
                                    c ->
                                            observed.pod(c.member())
                                                    .map(PodState::updated)
                                                    .orElse(false))
                            .map(ClusterReport.Coordinator::member)
                            .findFirst();
            if (successor.isPresent()) {
                return new Act(new Action.TransferLeadership(leader.name(), successor.get()));
            }
            if (report.voters().size() <= 1) {
                // A single coordinator has nobody to hand leadership to: a short outage is the
                // price.
                return new Act(
                        new Action.DeletePod(leader.name(), "new revision, sole coordinator"));
            }
            return new Wait("no updated coordinator to take leadership from " + leader.name());
        }
        PodState volume = byDescendingOrdinal(outdated, NodeRole.VOLUME).getFirst();
        return new Act(new Action.DeletePod(volume.name(), "new revision"));
    }

    private static List<PodState> byDescendingOrdinal(List<PodState> pods, NodeRole role) {
        return pods.stream()
                .filter(p -> p.role() == role)
                .sorted(Comparator.comparingInt(PodState::ordinal).reversed())
                .toList();
    }
}
