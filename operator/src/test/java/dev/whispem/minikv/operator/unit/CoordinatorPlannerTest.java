package dev.whispem.minikv.operator.unit;

import static dev.whispem.minikv.operator.unit.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.whispem.minikv.operator.admin.ClusterReport;
import dev.whispem.minikv.operator.cluster.plan.Action;
import dev.whispem.minikv.operator.cluster.plan.CoordinatorPlanner;
import org.junit.jupiter.api.Test;

class CoordinatorPlannerTest {

    @Test
    void growsOneMemberAtATimeLowestMissingOrdinalFirst() {
        CoordinatorPlanner.Step step =
                CoordinatorPlanner.plan(
                        "kv-coord",
                        5,
                        5,
                        observed(
                                unready(unready(pods(5, 3), "kv-coord-3"), "kv-coord-4"),
                                withRegistered(
                                        report("kv-coord-0", 3, 3), "kv-coord-4", "kv-coord-3")));
        assertThat(step.coordinatorReplicas()).isEqualTo(5);
        assertThat(step.action())
                .as("a new coordinator is ready only once it votes: registration is the signal")
                .contains(new Action.AddCoordinator("kv-coord-3"));
        assertThat(step.changing()).isTrue();
    }

    @Test
    void waitsForTheNewPodBeforeAddingIt() {
        CoordinatorPlanner.Step step =
                CoordinatorPlanner.plan(
                        "kv-coord", 3, 5, observed(pods(3, 3), report("kv-coord-0", 3, 3)));
        assertThat(step.coordinatorReplicas()).as("pods are created first").isEqualTo(5);
        assertThat(step.action()).isEmpty();
        assertThat(step.message())
                .isEqualTo("waiting for kv-coord-3 to start and register with the leader");
    }

    @Test
    void waitsForTheNewCoordinatorToRegister() {
        CoordinatorPlanner.Step step =
                CoordinatorPlanner.plan(
                        "kv-coord",
                        5,
                        5,
                        observed(unready(pods(5, 3), "kv-coord-3"), report("kv-coord-0", 3, 3)));
        assertThat(step.action())
                .as("the node refuses to add a coordinator that has not registered (409)")
                .isEmpty();
        assertThat(step.changing()).isTrue();
    }

    @Test
    void registeredCoordinatorsNeitherCountAsMembersNorAsUnhealthy() {
        ClusterReport report = withRegistered(report("kv-coord-0", 1, 3), "kv-coord-1");
        assertThat(report.allCoordinatorsHealthy()).isTrue();
        CoordinatorPlanner.Step step =
                CoordinatorPlanner.plan("kv-coord", 3, 3, observed(pods(3, 3), report));
        assertThat(step.action()).contains(new Action.AddCoordinator("kv-coord-1"));
    }

    @Test
    void forgetsTheRegistrationOfAStoppedCoordinator() {
        CoordinatorPlanner.Step step =
                CoordinatorPlanner.plan(
                        "kv-coord",
                        3,
                        3,
                        observed(
                                pods(3, 3),
                                withRegistered(report("kv-coord-0", 3, 3), "kv-coord-4")));
        assertThat(step.coordinatorReplicas()).isEqualTo(3);
        assertThat(step.action()).contains(new Action.RemoveCoordinator("kv-coord-4"));
    }

    @Test
    void shrinkRemovesTheHighestOrdinalFollower() {
        CoordinatorPlanner.Step step =
                CoordinatorPlanner.plan(
                        "kv-coord", 5, 3, observed(pods(5, 3), report("kv-coord-0", 5, 3)));
        assertThat(step.coordinatorReplicas()).as("kept until removed").isEqualTo(5);
        assertThat(step.action()).contains(new Action.RemoveCoordinator("kv-coord-4"));
    }

    @Test
    void shrinkMovesLeadershipOffALeavingLeaderFirst() {
        CoordinatorPlanner.Step step =
                CoordinatorPlanner.plan(
                        "kv-coord", 5, 3, observed(pods(5, 3), report("kv-coord-4", 5, 3)));
        assertThat(step.action())
                .contains(new Action.TransferLeadership("kv-coord-4", "kv-coord-0"));
    }

    @Test
    void shrinksTheStatefulSetOnceMembershipMatches() {
        CoordinatorPlanner.Step step =
                CoordinatorPlanner.plan(
                        "kv-coord", 5, 3, observed(pods(5, 3), report("kv-coord-0", 3, 3)));
        assertThat(step.coordinatorReplicas()).isEqualTo(3);
        assertThat(step.action()).isEmpty();
    }

    @Test
    void stableWhenMembershipMatches() {
        CoordinatorPlanner.Step step =
                CoordinatorPlanner.plan(
                        "kv-coord", 3, 3, observed(pods(3, 3), report("kv-coord-0", 3, 3)));
        assertThat(step.changing()).isFalse();
        assertThat(step.action()).isEmpty();
    }

    @Test
    void withoutTheAdminApiMembershipWaitsAndSaysSo() {
        CoordinatorPlanner.Step step =
                CoordinatorPlanner.plan("kv-coord", 5, 3, observed(pods(5, 3), null));
        assertThat(step.coordinatorReplicas()).isEqualTo(5);
        assertThat(step.action()).isEmpty();
        assertThat(step.changing()).isTrue();
        assertThat(step.message()).startsWith("admin API unavailable");
    }
}
