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
    void aCancelledScaleDownBringsTheDrainedServerBackEmpty() {
        ClusterReport report =
                volumes(serving(0, 256), serving(1, 256), serving(2, 256), draining(3, 0));
        ScaleDownPlanner.Step step = ScaleDownPlanner.plan("kv-vol", 4, 4, observed(4, report));
        assertThat(step.volumeReplicas()).isEqualTo(4);
        assertThat(step.action()).contains(new Action.RemoveVolumes(List.of("kv-vol-3")));

        ClusterReport halfway =
                volumes(serving(0, 256), serving(1, 256), serving(2, 256), draining(3, 40));
        ScaleDownPlanner.Step wait = ScaleDownPlanner.plan("kv-vol", 4, 4, observed(4, halfway));
        assertThat(wait.action()).as("the node has no way to stop a drain").isEmpty();
        assertThat(wait.leaving()).containsExactly("kv-vol-3");
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
