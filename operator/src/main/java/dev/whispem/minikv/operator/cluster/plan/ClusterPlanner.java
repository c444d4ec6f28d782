package dev.whispem.minikv.operator.cluster.plan;

import dev.whispem.minikv.operator.cluster.ClusterPlan;
import dev.whispem.minikv.operator.cluster.NodeRole;
import java.util.List;
import java.util.Optional;

/**
 * Decides one reconciliation pass from the spec's sizes and what was observed. One change at a
 * time, in this order: finish a volume scale-down (drain, shrink, remove) or undo a cancelled one
 * (cancel the drains of servers kept again), change coordinator membership, scale volumes up, roll
 * outdated pods. Pure: the reconciler carries the decision out.
 */
public final class ClusterPlanner {
    private ClusterPlanner() {}

    public static ClusterDecision decide(
            String coordinatorStatefulSet,
            String volumeStatefulSet,
            int coordinators,
            int volumes,
            ObservedCluster observed) {
        boolean creating =
                observed.coordinatorStatefulSetSize() < 0 || observed.volumeStatefulSetSize() < 0;
        int currentVolumes = creating ? volumes : observed.volumeStatefulSetSize();
        int currentCoordinators = creating ? coordinators : observed.coordinatorStatefulSetSize();

        ScaleDownPlanner.Step scaleDown =
                ScaleDownPlanner.plan(volumeStatefulSet, currentVolumes, volumes, observed);
        CoordinatorPlanner.Step membership =
                CoordinatorPlanner.plan(
                        coordinatorStatefulSet, currentCoordinators, coordinators, observed);
        ClusterPlan sizes =
                new ClusterPlan(membership.coordinatorReplicas(), scaleDown.volumeReplicas());

        if (creating) {
            return ClusterDecision.of(sizes, Operation.Creating, "creating the cluster's objects");
        }
        if (!scaleDown.leaving().isEmpty()) {
            ClusterDecision decision =
                    ClusterDecision.of(
                                    sizes,
                                    observed.report().isEmpty()
                                            ? Operation.WaitingForAdminApi
                                            : Operation.DrainingVolumes,
                                    scaleDown.message())
                            .withDraining(scaleDown.leaving());
            return scaleDown.action().map(decision::with).orElse(decision);
        }
        if (membership.changing()) {
            ClusterDecision decision =
                    ClusterDecision.of(sizes, Operation.ChangingCoordinators, membership.message());
            return membership.action().map(decision::with).orElse(decision);
        }
        if (volumes > currentVolumes) {
            return ClusterDecision.of(
                    sizes, Operation.ScalingVolumesUp, "adding volume servers up to " + volumes);
        }
        QuorumSafeRoller.Step roll = QuorumSafeRoller.next(observed);
        if (roll instanceof QuorumSafeRoller.Act act) {
            return ClusterDecision.of(sizes, Operation.RollingUpgrade, "").with(act.action());
        }
        if (roll instanceof QuorumSafeRoller.Wait wait) {
            return ClusterDecision.of(sizes, Operation.RollingUpgrade, wait.reason());
        }
        long readyVolumes = observed.readyPods(NodeRole.VOLUME);
        long readyCoordinators = observed.readyPods(NodeRole.COORDINATOR);
        if (readyVolumes < volumes || readyCoordinators < coordinators) {
            return ClusterDecision.of(
                    sizes,
                    Operation.WaitingForPods,
                    readyCoordinators
                            + "/"
                            + coordinators
                            + " coordinators and "
                            + readyVolumes
                            + "/"
                            + volumes
                            + " volume servers ready");
        }
        Optional<Integer> moves = observed.report().map(r -> r.movesInFlight());
        if (moves.orElse(0) > 0) {
            return ClusterDecision.of(
                    sizes, Operation.Rebalancing, moves.get() + " shard moves in flight");
        }
        return new ClusterDecision(sizes, Optional.empty(), Operation.Stable, "", List.of());
    }
}
