package dev.whispem.minikv.operator.unit;

import dev.whispem.minikv.operator.admin.ClusterReport;
import dev.whispem.minikv.operator.cluster.NodeRole;
import dev.whispem.minikv.operator.cluster.plan.ObservedCluster;
import dev.whispem.minikv.operator.cluster.plan.PodState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Small builders for planner inputs: a healthy cluster, then tweaks. */
final class Fixtures {
    private Fixtures() {}

    static List<PodState> pods(int coordinators, int volumes) {
        List<PodState> pods = new ArrayList<>();
        for (int i = 0; i < coordinators; i++) {
            pods.add(new PodState("kv-coord-" + i, NodeRole.COORDINATOR, i, true, true, false));
        }
        for (int i = 0; i < volumes; i++) {
            pods.add(new PodState("kv-vol-" + i, NodeRole.VOLUME, i, true, true, false));
        }
        return pods;
    }

    static ClusterReport report(String leader, int coordinators, int volumes) {
        List<ClusterReport.Coordinator> cs = new ArrayList<>();
        for (int i = 0; i < coordinators; i++) {
            cs.add(new ClusterReport.Coordinator("kv-coord-" + i, true, true, true));
        }
        List<ClusterReport.Volume> vs = new ArrayList<>();
        for (int i = 0; i < volumes; i++) {
            vs.add(new ClusterReport.Volume("kv-vol-" + i, true, 256 * 3 / volumes, false));
        }
        return report(leader, cs, vs, 0, 0);
    }

    /** A report as the node sends it, from its lists and counters. */
    static ClusterReport report(
            String leader,
            List<ClusterReport.Coordinator> coordinators,
            List<ClusterReport.Volume> volumes,
            int movesInFlight,
            int underReplicated) {
        return new ClusterReport(
                leader,
                42,
                3,
                coordinators,
                volumes,
                256,
                movesInFlight,
                underReplicated,
                movesInFlight == 0);
    }

    /** The report with coordinators that registered but were not added yet. */
    static ClusterReport withRegistered(ClusterReport report, String... members) {
        List<ClusterReport.Coordinator> cs = new ArrayList<>(report.coordinators());
        for (String member : members) {
            cs.add(new ClusterReport.Coordinator(member, false, false, false));
        }
        return report(
                report.leader(),
                cs,
                report.volumes(),
                report.movesInFlight(),
                report.underReplicatedShards());
    }

    static ObservedCluster observed(List<PodState> pods, ClusterReport report) {
        int coordinators =
                (int) pods.stream().filter(p -> p.role() == NodeRole.COORDINATOR).count();
        int volumes = (int) pods.stream().filter(p -> p.role() == NodeRole.VOLUME).count();
        return new ObservedCluster(coordinators, volumes, true, pods, Optional.ofNullable(report));
    }

    /** The same pods with the named ones on an old revision. */
    static List<PodState> outdated(List<PodState> pods, String... names) {
        List<String> old = List.of(names);
        return pods.stream()
                .map(
                        p ->
                                old.contains(p.name())
                                        ? new PodState(
                                                p.name(),
                                                p.role(),
                                                p.ordinal(),
                                                p.ready(),
                                                false,
                                                p.terminating())
                                        : p)
                .toList();
    }

    static List<PodState> unready(List<PodState> pods, String name) {
        return pods.stream()
                .map(
                        p ->
                                p.name().equals(name)
                                        ? new PodState(
                                                p.name(),
                                                p.role(),
                                                p.ordinal(),
                                                false,
                                                p.updated(),
                                                p.terminating())
                                        : p)
                .toList();
    }
}
