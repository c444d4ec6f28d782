package dev.whispem.minikv.operator.cluster.plan;

import dev.whispem.minikv.operator.admin.ClusterReport;
import dev.whispem.minikv.operator.cluster.NodeRole;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What the reconciler observed before deciding: the StatefulSets' current sizes (-1 when absent),
 * whether their controller has caught up with their latest spec (otherwise the pods' revisions say
 * nothing yet), the pods, and the admin API's report (empty when unreachable).
 */
public record ObservedCluster(
        int coordinatorStatefulSetSize,
        int volumeStatefulSetSize,
        boolean statefulSetsObserved,
        List<PodState> pods,
        Optional<ClusterReport> report) {

    public ObservedCluster {
        pods = pods.stream().sorted(Comparator.comparing(PodState::name)).toList();
    }

    public List<PodState> pods(NodeRole role) {
        return pods.stream().filter(p -> p.role() == role).toList();
    }

    public Optional<PodState> pod(String name) {
        return pods.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public long readyPods(NodeRole role) {
        return pods(role).stream().filter(p -> p.ready() && !p.terminating()).count();
    }
}
