package dev.whispem.minikv.operator.unit;

import static dev.whispem.minikv.operator.unit.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.whispem.minikv.operator.admin.ClusterReport;
import dev.whispem.minikv.operator.cluster.plan.Action;
import dev.whispem.minikv.operator.cluster.plan.ClusterDecision;
import dev.whispem.minikv.operator.cluster.plan.ClusterPlanner;
import dev.whispem.minikv.operator.cluster.plan.ObservedCluster;
import dev.whispem.minikv.operator.cluster.plan.Operation;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** One change at a time, in order: scale-down, membership, scale-up, roll. */
class ClusterPlannerTest {

    static ClusterDecision decide(int coordinators, int volumes, ObservedCluster observed) {
        return ClusterPlanner.decide("kv-coord", "kv-vol", coordinators, volumes, observed);
    }

    @Test
    void creationUsesTheSpecSizes() {
        ClusterDecision decision =
                decide(3, 4, new ObservedCluster(-1, -1, false, List.of(), Optional.empty()));
        assertThat(decision.operation()).isEqualTo(Operation.Creating);
        assertThat(decision.sizes().coordinatorReplicas()).isEqualTo(3);
        assertThat(decision.sizes().volumeReplicas()).isEqualTo(4);
    }

    @Test
    void aScaleDownInProgressComesBeforeARollout() {
        ClusterReport report = report("kv-coord-0", 3, 4);
        var pods = outdated(pods(3, 4), "kv-coord-1");
        ClusterDecision decision = decide(3, 3, observed(pods, report));
        assertThat(decision.operation()).isEqualTo(Operation.DrainingVolumes);
        assertThat(decision.action()).contains(new Action.DrainVolumes(List.of("kv-vol-3")));
        assertThat(decision.draining()).containsExactly("kv-vol-3");
    }

    @Test
    void aCancelledScaleDownIsUndoneBeforeARollout() {
        ClusterReport report =
                report(
                        "kv-coord-0",
                        report("kv-coord-0", 3, 4).coordinators(),
                        List.of(
                                new ClusterReport.Volume("kv-vol-0", true, 256, false),
                                new ClusterReport.Volume("kv-vol-1", true, 256, false),
                                new ClusterReport.Volume("kv-vol-2", true, 216, false),
                                new ClusterReport.Volume("kv-vol-3", true, 40, true)),
                        1,
                        0);
        var pods = outdated(pods(3, 4), "kv-vol-1");
        ClusterDecision decision = decide(3, 4, observed(pods, report));
        assertThat(decision.operation()).isEqualTo(Operation.DrainingVolumes);
        assertThat(decision.action()).contains(new Action.CancelDrains(List.of("kv-vol-3")));
        assertThat(decision.message()).isEqualTo("cancelling the drain of volume servers kv-vol-3");
        assertThat(decision.draining()).containsExactly("kv-vol-3");
        assertThat(decision.sizes().volumeReplicas()).isEqualTo(4);
    }

    @Test
    void membershipComesBeforeScaleUpAndRollout() {
        var pods = outdated(pods(3, 3), "kv-vol-0");
        ClusterDecision decision =
                decide(
                        3,
                        5,
                        observed(pods, withRegistered(report("kv-coord-0", 2, 3), "kv-coord-2")));
        assertThat(decision.operation()).isEqualTo(Operation.ChangingCoordinators);
        assertThat(decision.action()).contains(new Action.AddCoordinator("kv-coord-2"));
        assertThat(decision.sizes().volumeReplicas())
                .as("the StatefulSet may still grow meanwhile")
                .isEqualTo(5);
    }

    @Test
    void scaleUpThenRolloutThenStable() {
        assertThat(decide(3, 5, observed(pods(3, 3), report("kv-coord-0", 3, 3))).operation())
                .isEqualTo(Operation.ScalingVolumesUp);
        ClusterDecision roll =
                decide(
                        3,
                        3,
                        observed(outdated(pods(3, 3), "kv-vol-1"), report("kv-coord-0", 3, 3)));
        assertThat(roll.operation()).isEqualTo(Operation.RollingUpgrade);
        assertThat(roll.action()).contains(new Action.DeletePod("kv-vol-1", "new revision"));
        assertThat(decide(3, 3, observed(pods(3, 3), report("kv-coord-0", 3, 3))).operation())
                .isEqualTo(Operation.Stable);
    }

    @Test
    void shardMovesAreReportedAsRebalancing() {
        ClusterReport healthy = report("kv-coord-0", 3, 3);
        ClusterReport moving =
                report("kv-coord-0", healthy.coordinators(), healthy.volumes(), 7, 0);
        ClusterDecision decision = decide(3, 3, observed(pods(3, 3), moving));
        assertThat(decision.operation()).isEqualTo(Operation.Rebalancing);
        assertThat(decision.message()).isEqualTo("7 shard moves in flight");
    }
}
