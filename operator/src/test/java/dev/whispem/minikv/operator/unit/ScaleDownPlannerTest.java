package dev.whispem.minikv.operator.unit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whispem.minikv.operator.admin.ClusterReport;
import dev.whispem.minikv.operator.cluster.plan.Action;
import dev.whispem.minikv.operator.cluster.plan.ObservedCluster;
import dev.whispem.minikv.operator.cluster.plan.ScaleDownPlanner;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScaleDownPlannerTest {

    static ClusterReport volumes(ClusterReport.Volume... volumes) {
        return Fixtures.report(
                "kv-coord-0",
                List.of(new ClusterReport.Coordinator("kv-coord-0", true, true, true)),
                List.of(volumes),
                0,
                0);
    }

    static ClusterReport.Volume serving(int ordinal, int shards) {
        return new ClusterReport.Volume("kv-vol-" + ordinal, true, shards, false);
    }

    static ClusterReport.Volume draining(int ordinal, int shards) {
        return new ClusterReport.Volume("kv-vol-" + ordinal, true, shards, true);
    }

    /** {@code volumePods} volume pods (ordinals 0..n-1) and the report. */
    static ObservedCluster observed(int volumePods, ClusterReport report) {
        return Fixtures.observed(Fixtures.pods(1, volumePods), report);
    }

    @Test
    void noScaleDownKeepsTheTarget() {
        ScaleDownPlanner.Step step = ScaleDownPlanner.plan("kv-vol", 3, 5, observed(3, null));
        assertThat(step.volumeReplicas()).isEqualTo(5);
        assertThat(step.action()).isEmpty();
        assertThat(step.leaving()).isEmpty();
    }

    @Test
    void drainsTheHighestOrdinalsFirstAndKeepsTheStatefulSetSize() {
        ScaleDownPlanner.Step step =
                ScaleDownPlanner.plan(
                        "kv-vol",
                        5,
                        3,
                        observed(
                                5,
                                volumes(
                                        serving(0, 153),
                                        serving(1, 153),
                                        serving(2, 154),
                                        serving(3, 154),
                                        serving(4, 154))));
        assertThat(step.volumeReplicas()).isEqualTo(5);
        assertThat(step.leaving()).containsExactly("kv-vol-4", "kv-vol-3");
        assertThat(step.action())
                .contains(new Action.DrainVolumes(List.of("kv-vol-4", "kv-vol-3")));
    }

    @Test
    void keepsDrainingWhileShardsRemain() {
        ScaleDownPlanner.Step step =
                ScaleDownPlanner.plan(
                        "kv-vol",
                        4,
                        3,
                        observed(
                                4,
                                volumes(
                                        serving(0, 256),
                                        serving(1, 256),
                                        serving(2, 256),
                                        draining(3, 10))));
        assertThat(step.volumeReplicas()).isEqualTo(4);
        assertThat(step.action()).contains(new Action.DrainVolumes(List.of("kv-vol-3")));
        assertThat(step.message()).contains("10 shard replicas to move");
    }

    @Test
    void shrinksTheStatefulSetOnceDrainedButKeepsTheMembership() {
        ScaleDownPlanner.Step step =
                ScaleDownPlanner.plan(
                        "kv-vol",
                        4,
                        3,
                        observed(
                                4,
                                volumes(
                                        serving(0, 256),
                                        serving(1, 256),
                                        serving(2, 256),
                                        draining(3, 0))));
        assertThat(step.volumeReplicas())
                .as("a running server would register again after its removal")
                .isEqualTo(3);
        assertThat(step.action()).isEmpty();
        assertThat(step.leaving()).containsExactly("kv-vol-3");
    }

    @Test
    void waitsForTheDrainedPodToStop() {
        ScaleDownPlanner.Step step =
                ScaleDownPlanner.plan(
                        "kv-vol",
                        3,
                        3,
                        observed(
                                4,
                                volumes(
                                        serving(0, 256),
                                        serving(1, 256),
                                        serving(2, 256),
                                        draining(3, 0))));
        assertThat(step.volumeReplicas()).isEqualTo(3);
        assertThat(step.action()).isEmpty();
        assertThat(step.message()).isEqualTo("waiting for kv-vol-3 to stop");
    }

    @Test
    void removesDrainedMembersOnceTheirPodsAreGone() {
        ScaleDownPlanner.Step step =
                ScaleDownPlanner.plan(
                        "kv-vol",
                        3,
                        3,
                        observed(
                                3,
                                volumes(
                                        serving(0, 256),
                                        serving(1, 256),
                                        serving(2, 256),
                                        draining(3, 0))));
        assertThat(step.volumeReplicas()).isEqualTo(3);
        assertThat(step.action()).contains(new Action.RemoveVolumes(List.of("kv-vol-3")));
        assertThat(step.leaving()).containsExactly("kv-vol-3");
    }

    @Test
    void doneOnceTheLeavingServersAreGone() {
        ScaleDownPlanner.Step step =
                ScaleDownPlanner.plan(
                        "kv-vol",
                        3,
                        3,
                        observed(3, volumes(serving(0, 256), serving(1, 256), serving(2, 256))));
        assertThat(step.volumeReplicas()).isEqualTo(3);
        assertThat(step.action()).isEmpty();
        assertThat(step.leaving()).isEmpty();
    }

    @Test
    void aCancelledScaleDownCancelsTheDrainOfAKeptServer() {
        ClusterReport halfway =
                volumes(serving(0, 256), serving(1, 256), serving(2, 256), draining(3, 40));
        ScaleDownPlanner.Step step = ScaleDownPlanner.plan("kv-vol", 4, 4, observed(4, halfway));
        assertThat(step.volumeReplicas()).isEqualTo(4);
        assertThat(step.action()).contains(new Action.CancelDrains(List.of("kv-vol-3")));
        assertThat(step.leaving())
                .as("still draining until the node has applied the cancel")
                .containsExactly("kv-vol-3");
        assertThat(step.message()).contains("40 shard replicas stay");

        ClusterReport cancelled =
                volumes(serving(0, 256), serving(1, 256), serving(2, 256), serving(3, 40));
        ScaleDownPlanner.Step done = ScaleDownPlanner.plan("kv-vol", 4, 4, observed(4, cancelled));
        assertThat(done.action()).isEmpty();
        assertThat(done.leaving()).isEmpty();
        assertThat(done.volumeReplicas()).isEqualTo(4);
    }

    @Test
    void aKeptServerAlreadyDrainedIsRemovedToRejoinEmpty() {
        ClusterReport report =
                volumes(serving(0, 256), serving(1, 256), serving(2, 256), draining(3, 0));
        ScaleDownPlanner.Step step = ScaleDownPlanner.plan("kv-vol", 4, 4, observed(4, report));
        assertThat(step.volumeReplicas()).isEqualTo(4);
        assertThat(step.action()).contains(new Action.RemoveVolumes(List.of("kv-vol-3")));
        assertThat(step.leaving()).containsExactly("kv-vol-3");
    }

    @Test
    void cancelsTheUndrainedKeptServersFirstThenRemovesTheDrainedOnes() {
        ClusterReport report =
                volumes(serving(0, 256), serving(1, 256), draining(2, 0), draining(3, 90));
        ScaleDownPlanner.Step step = ScaleDownPlanner.plan("kv-vol", 4, 4, observed(4, report));
        assertThat(step.action()).contains(new Action.CancelDrains(List.of("kv-vol-3")));
        assertThat(step.leaving()).containsExactly("kv-vol-3", "kv-vol-2");

        ClusterReport next =
                volumes(serving(0, 256), serving(1, 256), draining(2, 0), serving(3, 90));
        ScaleDownPlanner.Step then = ScaleDownPlanner.plan("kv-vol", 4, 4, observed(4, next));
        assertThat(then.action()).contains(new Action.RemoveVolumes(List.of("kv-vol-2")));
        assertThat(then.leaving()).containsExactly("kv-vol-2");
    }

    @Test
    void cancelsKeptDrainsBeforeDrainingTheServersStillLeaving() {
        // 5 -> 3 started both drains; the spec then went to 4: kv-vol-3 stays, kv-vol-4 leaves.
        ClusterReport report =
                volumes(
                        serving(0, 200),
                        serving(1, 200),
                        serving(2, 200),
                        draining(3, 70),
                        draining(4, 100));
        ScaleDownPlanner.Step step = ScaleDownPlanner.plan("kv-vol", 5, 4, observed(5, report));
        assertThat(step.action()).contains(new Action.CancelDrains(List.of("kv-vol-3")));
        assertThat(step.volumeReplicas()).as("not shrunk while kv-vol-4 drains").isEqualTo(5);
        assertThat(step.leaving()).containsExactly("kv-vol-4", "kv-vol-3");

        ClusterReport next =
                volumes(
                        serving(0, 200),
                        serving(1, 200),
                        serving(2, 200),
                        serving(3, 70),
                        draining(4, 90));
        ScaleDownPlanner.Step then = ScaleDownPlanner.plan("kv-vol", 5, 4, observed(5, next));
        assertThat(then.action()).contains(new Action.DrainVolumes(List.of("kv-vol-4")));
        assertThat(then.leaving()).containsExactly("kv-vol-4");
    }

    @Test
    void withoutTheCancelCallAKeptServerFinishesItsDrainThenRejoinsEmpty() {
        ClusterReport halfway =
                volumes(serving(0, 256), serving(1, 256), serving(2, 256), draining(3, 40));
        ScaleDownPlanner.Step wait =
                ScaleDownPlanner.plan(
                        "kv-vol", 4, 4, observed(4, halfway).withCanCancelDrains(false));
        assertThat(wait.action()).as("the cluster refused the cancel call").isEmpty();
        assertThat(wait.volumeReplicas()).isEqualTo(4);
        assertThat(wait.leaving()).containsExactly("kv-vol-3");
        assertThat(wait.message()).contains("kv-vol-3 finish draining, then rejoin");

        ClusterReport drained =
                volumes(serving(0, 256), serving(1, 256), serving(2, 256), draining(3, 0));
        ScaleDownPlanner.Step remove =
                ScaleDownPlanner.plan(
                        "kv-vol", 4, 4, observed(4, drained).withCanCancelDrains(false));
        assertThat(remove.action()).contains(new Action.RemoveVolumes(List.of("kv-vol-3")));
    }

    @Test
    void drainsAreNotCancelledWhileTheCoordinatorsRunDifferentRevisions() {
        ClusterReport halfway =
                volumes(serving(0, 256), serving(1, 256), serving(2, 256), draining(3, 40));
        ObservedCluster midRoll =
                Fixtures.observed(
                        Fixtures.outdated(Fixtures.pods(3, 4), "kv-coord-0", "kv-coord-1"),
                        halfway);
        ScaleDownPlanner.Step step = ScaleDownPlanner.plan("kv-vol", 4, 4, midRoll);
        assertThat(step.action())
                .as("an older coordinator would ignore a cancel its newer leader accepted")
                .isEmpty();
        assertThat(step.leaving()).containsExactly("kv-vol-3");

        ObservedCluster volumesMidRoll =
                Fixtures.observed(
                        Fixtures.outdated(Fixtures.pods(3, 4), "kv-vol-0", "kv-vol-1"), halfway);
        assertThat(ScaleDownPlanner.plan("kv-vol", 4, 4, volumesMidRoll).action())
                .as(
                        "the coordinators apply the cancel: the volume servers' revisions do not matter")
                .contains(new Action.CancelDrains(List.of("kv-vol-3")));
    }

    @Test
    void neverShrinksWithoutTheAdminApi() {
        ScaleDownPlanner.Step step = ScaleDownPlanner.plan("kv-vol", 4, 3, observed(4, null));
        assertThat(step.volumeReplicas()).isEqualTo(4);
        assertThat(step.action()).isEmpty();
        assertThat(step.leaving()).containsExactly("kv-vol-3");
        assertThat(step.message()).startsWith("admin API unavailable");
    }

    @Test
    void drainedServersDoNotCountAsUnhealthy() {
        ClusterReport report =
                volumes(
                        serving(0, 256),
                        new ClusterReport.Volume("kv-vol-1", false, 0, true),
                        serving(2, 256));
        assertThat(report.allVolumesHealthy()).isTrue();
        assertThat(Optional.of(report).map(ClusterReport::allVolumesHealthy)).contains(true);
    }
}
