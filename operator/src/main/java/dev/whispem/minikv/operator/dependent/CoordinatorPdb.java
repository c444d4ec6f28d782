package dev.whispem.minikv.operator.dependent;

import dev.whispem.minikv.operator.cluster.ClusterLabels;
import dev.whispem.minikv.operator.cluster.NodeRole;
import dev.whispem.minikv.operator.crd.v1alpha1.MiniKVCluster;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * PodDisruptionBudget {@code x-coord}: voluntary disruptions (node drains) keep a quorum of
 * coordinators, minAvailable = replicas / 2 + 1. A single coordinator cannot be evicted at all.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Selectors.MANAGED))
public class CoordinatorPdb
        extends CRUDKubernetesDependentResource<PodDisruptionBudget, MiniKVCluster> {
    public static final String NAME = "coordinator-pdb";

    public CoordinatorPdb() {
        super(PodDisruptionBudget.class);
    }

    public static int minAvailable(int coordinators) {
        return coordinators / 2 + 1;
    }

    @Override
    protected PodDisruptionBudget desired(MiniKVCluster cluster, Context<MiniKVCluster> context) {
        return new PodDisruptionBudgetBuilder()
                .withNewMetadata()
                .withName(NodeRole.COORDINATOR.statefulSetName(cluster))
                .withNamespace(cluster.getMetadata().getNamespace())
                .withLabels(ClusterLabels.all(cluster, NodeRole.COORDINATOR.component()))
                .endMetadata()
                .withNewSpec()
                .withMinAvailable(
                        new IntOrString(minAvailable(cluster.getSpec().getCoordinators().replicas)))
                .withNewSelector()
                .withMatchLabels(ClusterLabels.selector(cluster, NodeRole.COORDINATOR.component()))
                .endSelector()
                .endSpec()
                .build();
    }
}
