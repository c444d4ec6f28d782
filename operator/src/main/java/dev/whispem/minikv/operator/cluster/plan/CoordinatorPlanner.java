package dev.whispem.minikv.operator.cluster.plan;

import dev.whispem.minikv.operator.admin.ClusterReport;
import dev.whispem.minikv.operator.cluster.ClusterNames;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Changes the metadata group's size one Raft membership change at a time: grow by adding the lowest
 * missing ordinal once its pod is ready and the members are caught up; shrink by removing the
 * highest ordinal, after moving leadership off it; shrink the StatefulSet only when the removed
 * members are gone.
 */
public final class CoordinatorPlanner {
    private CoordinatorPlanner() {}

    public static Step plan(
            String statefulSet, int currentSize, int target, ObservedCluster observed) {
        int podsWanted = Math.max(currentSize, target);
        if (observed.report().isEmpty()) {
            // Creation, or the admin API is down: make sure the pods exist, change no membership.
            boolean pending = currentSize != target;
            return new Step(
                    podsWanted,
                    Optional.empty(),
                    pending,
                    pending ? "admin API unavailable: coordinator membership unchanged" : "");
        }
        ClusterReport report = observed.report().get();
        List<String> members =
                report.coordinators().stream()
                        .map(ClusterReport.Coordinator::member)
                        .sorted(Comparator.comparingInt(ClusterNames::ordinal))
                        .toList();
        if (members.size() < target) {
            String next =
                    java.util.stream.IntStream.range(0, target)
                            .mapToObj(i -> ClusterNames.pod(statefulSet, i))
                            .filter(m -> !members.contains(m))
                            .findFirst()
                            .orElseThrow();
            if (!report.allCoordinatorsHealthy()) {
                return new Step(
                        podsWanted, Optional.empty(), true, "waiting for coordinators to catch up");
            }
            boolean podReady =
                    observed.pod(next).map(p -> p.ready() && !p.terminating()).orElse(false);
            if (!podReady) {
                return new Step(
                        podsWanted, Optional.empty(), true, "waiting for " + next + " to start");
            }
            return new Step(podsWanted, Optional.of(new Action.AddCoordinator(next)), true, "");
        }
        if (members.size() > target) {
            String victim = members.getLast();
            if (victim.equals(report.leader())) {
                Optional<String> successor =
                        report.coordinators().stream()
                                .filter(
                                        c ->
                                                !c.member().equals(victim)
                                                        && c.healthy()
                                                        && c.caughtUp())
                                .map(ClusterReport.Coordinator::member)
                                .filter(m -> ClusterNames.ordinal(m) < target)
                                .findFirst();
                if (successor.isEmpty()) {
                    return new Step(
                            currentSize,
                            Optional.empty(),
                            true,
                            "no caught-up coordinator to take leadership");
                }
                return new Step(
                        currentSize,
                        Optional.of(new Action.TransferLeadership(victim, successor.get())),
                        true,
                        "");
            }
            return new Step(
                    currentSize, Optional.of(new Action.RemoveCoordinator(victim)), true, "");
        }
        if (currentSize > target) {
            return new Step(
                    target, Optional.empty(), true, "shrinking " + statefulSet + " to " + target);
        }
        return new Step(podsWanted, Optional.empty(), false, "");
    }

    /**
     * Coordinator StatefulSet size for this pass, an action if any, whether a change is under way.
     */
    public record Step(
            int coordinatorReplicas, Optional<Action> action, boolean changing, String message) {}
}
