package dev.whispem.minikv.operator.unit;

import static dev.whispem.minikv.operator.unit.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.whispem.minikv.operator.admin.ClusterReport;
import dev.whispem.minikv.operator.cluster.plan.Action;
import dev.whispem.minikv.operator.cluster.plan.ObservedCluster;
import dev.whispem.minikv.operator.cluster.plan.PodState;
import dev.whispem.minikv.operator.cluster.plan.QuorumSafeRoller;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QuorumSafeRollerTest {
    static final List<PodState> ALL_OLD =
            outdated(
                    pods(3, 3),
                    "kv-coord-0",
                    "kv-coord-1",
                    "kv-coord-2",
                    "kv-vol-0",
                    "kv-vol-1",
                    "kv-vol-2");

    @Test
    void nothingToDoWhenEveryPodRunsTheCurrentRevision() {
        assertThat(QuorumSafeRoller.next(observed(pods(3, 3), report("kv-coord-0", 3, 3))))
                .isInstanceOf(QuorumSafeRoller.Done.class);
    }

    @Test
    void followersFirstHighestOrdinalFirst() {
        assertThat(QuorumSafeRoller.next(observed(ALL_OLD, report("kv-coord-2", 3, 3))))
                .isEqualTo(
                        new QuorumSafeRoller.Act(
                                new Action.DeletePod("kv-coord-1", "new revision, follower")));
    }

    @Test
    void leaderLastAfterTransferringLeadershipToAnUpdatedFollower() {
        List<PodState> onlyLeaderOld = outdated(pods(3, 3), "kv-coord-1", "kv-vol-0");
        assertThat(QuorumSafeRoller.next(observed(onlyLeaderOld, report("kv-coord-1", 3, 3))))
                .isEqualTo(
                        new QuorumSafeRoller.Act(
                                new Action.TransferLeadership("kv-coord-1", "kv-coord-0")));
        // Once leadership moved, the old leader is a follower and is restarted.
        assertThat(QuorumSafeRoller.next(observed(onlyLeaderOld, report("kv-coord-0", 3, 3))))
                .isEqualTo(
                        new QuorumSafeRoller.Act(
                                new Action.DeletePod("kv-coord-1", "new revision, follower")));
    }

    @Test
    void volumesAfterCoordinatorsOneAtATime() {
        List<PodState> volumesOld = outdated(pods(3, 3), "kv-vol-0", "kv-vol-2");
        assertThat(QuorumSafeRoller.next(observed(volumesOld, report("kv-coord-0", 3, 3))))
                .isEqualTo(
                        new QuorumSafeRoller.Act(new Action.DeletePod("kv-vol-2", "new revision")));
    }

    @Test
    void waitsWhileAnyPodIsNotReady() {
        assertThat(
                        QuorumSafeRoller.next(
                                observed(unready(ALL_OLD, "kv-vol-1"), report("kv-coord-0", 3, 3))))
                .isEqualTo(new QuorumSafeRoller.Wait("waiting for kv-vol-1 to be ready"));
    }

    @Test
    void waitsWhileAMemberIsBehind() {
        ClusterReport healthy = report("kv-coord-0", 3, 3);
        ClusterReport behind =
                report(
                        "kv-coord-0",
                        List.of(
                                new ClusterReport.Coordinator("kv-coord-0", true, true, true),
                                new ClusterReport.Coordinator("kv-coord-1", true, false, true),
                                new ClusterReport.Coordinator("kv-coord-2", true, true, true)),
                        healthy.volumes(),
                        0,
                        0);
        assertThat(QuorumSafeRoller.next(observed(ALL_OLD, behind)))
                .isInstanceOf(QuorumSafeRoller.Wait.class);
    }

    @Test
    void waitsForUnderReplicatedShardsAndForTheAdminApi() {
        ClusterReport healthy = report("kv-coord-0", 3, 3);
        ClusterReport underReplicated =
                report("kv-coord-0", healthy.coordinators(), healthy.volumes(), 0, 4);
        assertThat(QuorumSafeRoller.next(observed(ALL_OLD, underReplicated)))
                .isEqualTo(new QuorumSafeRoller.Wait("waiting for 4 under-replicated shards"));
        assertThat(QuorumSafeRoller.next(observed(ALL_OLD, null)))
                .isEqualTo(
                        new QuorumSafeRoller.Wait(
                                "admin API unavailable: not restarting anything"));
    }

    @Test
    void waitsUntilTheStatefulSetControllerObservedTheNewTemplate() {
        ObservedCluster stale =
                new ObservedCluster(3, 3, false, ALL_OLD, Optional.of(report("kv-coord-0", 3, 3)));
        assertThat(QuorumSafeRoller.next(stale)).isInstanceOf(QuorumSafeRoller.Wait.class);
    }

    @Test
    void aSoleCoordinatorIsRestartedDirectly() {
        List<PodState> single = outdated(pods(1, 1), "kv-coord-0");
        assertThat(QuorumSafeRoller.next(observed(single, report("kv-coord-0", 1, 1))))
                .isEqualTo(
                        new QuorumSafeRoller.Act(
                                new Action.DeletePod(
                                        "kv-coord-0", "new revision, sole coordinator")));
    }

    @Test
    void aFullRollVisitsEveryPodOnceLeaderLastAmongCoordinators() {
        List<PodState> pods = ALL_OLD;
        String leader = "kv-coord-0";
        java.util.List<String> order = new java.util.ArrayList<>();
        for (int step = 0; step < 20; step++) {
            QuorumSafeRoller.Step next =
                    QuorumSafeRoller.next(observed(pods, report(leader, 3, 3)));
            if (next instanceof QuorumSafeRoller.Done) {
                break;
            }
            Action action = ((QuorumSafeRoller.Act) next).action();
            if (action instanceof Action.TransferLeadership t) {
                order.add("transfer->" + t.to());
                leader = t.to();
            } else if (action instanceof Action.DeletePod d) {
                order.add(d.pod());
                pods =
                        pods.stream()
                                .map(
                                        p ->
                                                p.name().equals(d.pod())
                                                        ? new PodState(
                                                                p.name(),
                                                                p.role(),
                                                                p.ordinal(),
                                                                true,
                                                                true,
                                                                false)
                                                        : p)
                                .toList();
            }
        }
        assertThat(order)
                .containsExactly(
                        "kv-coord-2",
                        "kv-coord-1",
                        "transfer->kv-coord-1",
                        "kv-coord-0",
                        "kv-vol-2",
                        "kv-vol-1",
                        "kv-vol-0");
    }
}
