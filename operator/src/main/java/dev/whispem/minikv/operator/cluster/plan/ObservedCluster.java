package dev.whispem.minikv.operator.cluster.plan;

import dev.whispem.minikv.operator.admin.ClusterReport;
import dev.whispem.minikv.operator.cluster.NodeRole;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What the reconciler observed before deciding: the StatefulSets' current sizes (-1 when absent),
 * whether their controller has caught up with their latest spec (otherwise the pods' revisions say
 * nothing yet), the pods, the admin API's report (empty when unreachable), and whether the cluster
 * can cancel a drain.
 *
 * @param canCancelDrains false once the cluster answered the cancel-drain call with a 404 or 405 (a
 *     node version without it): the reconciler remembers that answer for a while, since the report
 *     does not say which calls the node has; true until such an answer
 */
public record ObservedCluster(
        int coordinatorStatefulSetSize,
        int volumeStatefulSetSize,
        boolean statefulSetsObserved,
        List<PodState> pods,
        Optional<ClusterReport> report,
        boolean canCancelDrains) {

    public ObservedCluster {
        pods = pods.stream().sorted(Comparator.comparing(PodState::name)).toList();
    }

    /** A cluster not known to lack the cancel-drain call. */
    public ObservedCluster(
            int coordinatorStatefulSetSize,
            int volumeStatefulSetSize,
            boolean statefulSetsObserved,
            List<PodState> pods,
            Optional<ClusterReport> report) {
        this(
                coordinatorStatefulSetSize,
                volumeStatefulSetSize,
                statefulSetsObserved,
                pods,
                report,
                true);
    }

    /** The same observation, with what is known of the cancel-drain call replaced. */
    public ObservedCluster withCanCancelDrains(boolean can) {
        return new ObservedCluster(
                coordinatorStatefulSetSize,
                volumeStatefulSetSize,
                statefulSetsObserved,
                pods,
                report,
                can);
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
