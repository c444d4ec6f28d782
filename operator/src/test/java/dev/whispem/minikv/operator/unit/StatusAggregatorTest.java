package dev.whispem.minikv.operator.unit;

import static dev.whispem.minikv.operator.unit.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.whispem.minikv.operator.cluster.ClusterPlan;
import dev.whispem.minikv.operator.cluster.Conditions;
import dev.whispem.minikv.operator.cluster.StatusAggregator;
import dev.whispem.minikv.operator.cluster.plan.ClusterDecision;
import dev.whispem.minikv.operator.cluster.plan.ObservedCluster;
import dev.whispem.minikv.operator.cluster.plan.Operation;
import dev.whispem.minikv.operator.crd.v1alpha1.MiniKVClusterStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusAggregatorTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant T1 = Instant.parse("2026-01-01T00:05:00Z");

    static MiniKVClusterStatus aggregate(
            long generation,
            MiniKVClusterStatus previous,
            ObservedCluster observed,
            Operation operation,
            Instant now) {
        ClusterDecision decision =
                new ClusterDecision(
                        new ClusterPlan(3, 3), Optional.empty(), operation, "", List.of());
        return StatusAggregator.aggregate(
                new StatusAggregator.Input(
                        generation,
                        previous,
                        3,
                        3,
                        "1.0",
                        "http://kv.ns.svc:8080",
                        false,
                        observed,
                        decision,
                        now));
    }

    static Condition condition(MiniKVClusterStatus status, String type) {
        return Conditions.find(status.conditions, type).orElseThrow();
    }

    @Test
    void healthyClusterIsReadyNotProgressingNotDegraded() {
        MiniKVClusterStatus status =
                aggregate(
                        4,
                        null,
                        observed(pods(3, 3), report("kv-coord-1", 3, 3)),
                        Operation.Stable,
                        T0);
        assertThat(condition(status, "Ready").getStatus()).isEqualTo("True");
        assertThat(condition(status, "Progressing").getStatus()).isEqualTo("False");
        assertThat(condition(status, "Degraded").getStatus()).isEqualTo("False");
        assertThat(status.conditions)
                .allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(4L));
        assertThat(status.observedGeneration).isEqualTo(4L);
        assertThat(status.leader).isEqualTo("kv-coord-1");
        assertThat(status.coordinators).isEqualTo("3/3");
        assertThat(status.currentVersion).isEqualTo("1.0");
        assertThat(status.shards.total).isEqualTo(256);
        assertThat(status.shards.minPerVolume).isEqualTo(256);
    }

    @Test
    void transitionTimeIsCarriedForwardUntilTheStatusChanges() {
        MiniKVClusterStatus first =
                aggregate(
                        1,
                        null,
                        observed(pods(3, 3), report("kv-coord-0", 3, 3)),
                        Operation.Stable,
                        T0);
        MiniKVClusterStatus same =
                aggregate(
                        2,
                        first,
                        observed(pods(3, 3), report("kv-coord-0", 3, 3)),
                        Operation.Stable,
                        T1);
        assertThat(condition(same, "Ready").getLastTransitionTime()).isEqualTo(T0.toString());
        assertThat(condition(same, "Ready").getObservedGeneration()).isEqualTo(2L);

        MiniKVClusterStatus notReady =
                aggregate(
                        2,
                        same,
                        observed(unready(pods(3, 3), "kv-vol-2"), report("kv-coord-0", 3, 3)),
                        Operation.WaitingForPods,
                        T1);
        assertThat(condition(notReady, "Ready").getStatus()).isEqualTo("False");
        assertThat(condition(notReady, "Ready").getLastTransitionTime()).isEqualTo(T1.toString());
        assertThat(notReady.volumes).isEqualTo("2/3");
    }

    @Test
    void unreachableAdminApiIsDegradedExceptWhileStarting() {
        MiniKVClusterStatus starting =
                aggregate(1, null, observed(pods(3, 3), null), Operation.Creating, T0);
        assertThat(condition(starting, "Degraded").getStatus()).isEqualTo("False");
        assertThat(condition(starting, "Ready").getReason()).isEqualTo("AdminApiUnavailable");

        MiniKVClusterStatus running =
                aggregate(1, null, observed(pods(3, 3), null), Operation.Stable, T0);
        assertThat(condition(running, "Degraded").getStatus()).isEqualTo("True");
        assertThat(condition(running, "Degraded").getReason()).isEqualTo("AdminApiUnavailable");
    }

    @Test
    void progressingCarriesTheOperation() {
        MiniKVClusterStatus status =
                aggregate(
                        1,
                        null,
                        observed(pods(3, 3), report("kv-coord-0", 3, 3)),
                        Operation.RollingUpgrade,
                        T0);
        assertThat(condition(status, "Progressing").getStatus()).isEqualTo("True");
        assertThat(condition(status, "Progressing").getReason()).isEqualTo("RollingUpgrade");
    }
}
