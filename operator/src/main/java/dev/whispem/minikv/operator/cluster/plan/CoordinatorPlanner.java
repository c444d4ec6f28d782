package dev.whispem.minikv.operator.cluster.plan;

import dev.whispem.minikv.operator.admin.ClusterReport;
import dev.whispem.minikv.operator.cluster.ClusterNames;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Changes the metadata group's size one Raft membership change at a time.
 *
 * <p>Grow: the StatefulSet creates the pods first. A new coordinator starts outside the group,
 * registers with the leader (it shows in the report with {@code voting} false) and becomes ready
 * only once added, so the lowest missing ordinal is added as soon as it has registered and the
 * voting members are caught up.
 *
 * <p>Shrink: the highest ordinal is removed first, after moving leadership off it; the StatefulSet
 * shrinks once the voting members match the spec. A stopped coordinator may have registered again
 * before its pod went away; such leftovers, non-voting and without a pod, are forgotten last.
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
                report.voters().stream()
                        .map(ClusterReport.Coordinator::member)
                        .filter(m -> isPodOf(statefulSet, m))
                        .sorted(Comparator.comparingInt(ClusterNames::ordinal))
                        .toList();
        if (members.size() < target) {
            String next =
                    IntStream.range(0, target)
                            .mapToObj(i -> ClusterNames.pod(statefulSet, i))
                            .filter(m -> !members.contains(m))
                            .findFirst()
                            .orElseThrow();
            if (!report.allCoordinatorsHealthy()) {
                return new Step(
                        podsWanted, Optional.empty(), true, "waiting for coordinators to catch up");
            }
            boolean podRunning = observed.pod(next).map(p -> !p.terminating()).orElse(false);
            if (!podRunning || !report.registered(next)) {
                return new Step(
                        podsWanted,
                        Optional.empty(),
                        true,
                        "waiting for " + next + " to start and register with the leader");
            }
            return new Step(podsWanted, Optional.of(new Action.AddCoordinator(next)), true, "");
        }
        if (members.size() > target) {
            String victim = members.getLast();
            if (victim.equals(report.leader())) {
                Optional<String> successor =
                        report.voters().stream()
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
        Optional<String> leftover =
                report.coordinators().stream()
                        .filter(c -> !c.voting())
                        .map(ClusterReport.Coordinator::member)
                        .filter(m -> isPodOf(statefulSet, m))
                        .filter(m -> ClusterNames.ordinal(m) >= target)
                        .filter(m -> observed.pod(m).isEmpty())
                        .findFirst();
        if (leftover.isPresent()) {
            return new Step(
                    podsWanted,
                    Optional.of(new Action.RemoveCoordinator(leftover.get())),
                    true,
                    "forgetting the registration of stopped " + leftover.get());
        }
        return new Step(podsWanted, Optional.empty(), false, "");
    }

    private static boolean isPodOf(String statefulSet, String member) {
        return ScaleDownPlanner.isPodOf(statefulSet, member);
    }

    /**
     * Coordinator StatefulSet size for this pass, an action if any, whether a change is under way.
     */
    public record Step(
            int coordinatorReplicas, Optional<Action> action, boolean changing, String message) {}
}
