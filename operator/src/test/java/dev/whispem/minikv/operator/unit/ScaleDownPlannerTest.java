package dev.whispem.minikv.operator.unit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whispem.minikv.operator.admin.ClusterReport;
import dev.whispem.minikv.operator.cluster.plan.Action;
import dev.whispem.minikv.operator.cluster.plan.ScaleDownPlanner;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScaleDownPlannerTest {

    static ClusterReport volumes(ClusterReport.Volume... volumes) {
        return new ClusterReport(
                "kv-coord-0",
                List.of(new ClusterReport.Coordinator("kv-coord-0", true, true)),
                List.of(volumes),
                256,
                0,
                0);
    }

    static ClusterReport.Volume serving(int ordinal, int shards) {
        return new ClusterReport.Volume("kv-vol-" + ordinal, true, shards, false);
    }

    static ClusterReport.Volume draining(int ordinal, int shards) {
        return new ClusterReport.Volume("kv-vol-" + ordinal, true, shards, true);
    }

    @Test
    void noScaleDownKeepsTheTarget() {
        ScaleDownPlanner.Step step = ScaleDownPlanner.plan("kv-vol", 3, 5, Optional.empty());
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
                        Optional.of(
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
                        Optional.of(
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
    void removesDrainedMembersBeforeShrinking() {
        ScaleDownPlanner.Step step =
                ScaleDownPlanner.plan(
                        "kv-vol",
                        4,
                        3,
                        Optional.of(
                                volumes(
                                        serving(0, 256),
                                        serving(1, 256),
                                        serving(2, 256),
                                        draining(3, 0))));
        assertThat(step.volumeReplicas()).isEqualTo(4);
        assertThat(step.action()).contains(new Action.RemoveVolumes(List.of("kv-vol-3")));
    }

    @Test
    void shrinksOnceTheLeavingServersAreGone() {
        ScaleDownPlanner.Step step =
                ScaleDownPlanner.plan(
                        "kv-vol",
                        4,
                        3,
                        Optional.of(volumes(serving(0, 256), serving(1, 256), serving(2, 256))));
        assertThat(step.volumeReplicas()).isEqualTo(3);
        assertThat(step.action()).isEmpty();
        assertThat(step.leaving()).isEmpty();
    }

    @Test
    void neverShrinksWithoutTheAdminApi() {
        ScaleDownPlanner.Step step = ScaleDownPlanner.plan("kv-vol", 4, 3, Optional.empty());
        assertThat(step.volumeReplicas()).isEqualTo(4);
        assertThat(step.action()).isEmpty();
        assertThat(step.leaving()).containsExactly("kv-vol-3");
        assertThat(step.message()).startsWith("admin API unavailable");
    }
}
