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
            cs.add(new ClusterReport.Coordinator("kv-coord-" + i, true, true));
        }
        List<ClusterReport.Volume> vs = new ArrayList<>();
        for (int i = 0; i < volumes; i++) {
            vs.add(new ClusterReport.Volume("kv-vol-" + i, true, 256 * 3 / volumes, false));
        }
        return new ClusterReport(leader, cs, vs, 256, 0, 0);
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
