package dev.whispem.minikv.operator.cluster;

import dev.whispem.minikv.operator.crd.v1alpha1.MiniKVCluster;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/**
 * The StatefulSet sizes the reconciler decided on for this pass. They differ from the spec while a
 * change is under way: a scale-down keeps the volume StatefulSet at its size until the removed
 * servers are drained, and coordinators change one member at a time.
 */
public record ClusterPlan(int coordinatorReplicas, int volumeReplicas) {

    private static final String KEY = ClusterPlan.class.getName();

    /** The plan when nothing is in progress: the spec. */
    public static ClusterPlan fromSpec(MiniKVCluster cluster) {
        return new ClusterPlan(
                cluster.getSpec().getCoordinators().replicas,
                cluster.getSpec().getVolumes().replicas);
    }

    public void storeIn(Context<MiniKVCluster> context) {
        context.managedWorkflowAndDependentResourceContext().put(KEY, this);
    }

    /** The plan stored for this pass, or the spec when the reconciler stored none. */
    public static ClusterPlan of(MiniKVCluster cluster, Context<MiniKVCluster> context) {
        return context.managedWorkflowAndDependentResourceContext()
                .get(KEY, ClusterPlan.class)
                .orElseGet(() -> fromSpec(cluster));
    }
}
