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
 * PodDisruptionBudget {@code x-vol}: any shard lives on replicationFactor volume servers, so at
 * most (RF - 1) / 2 of them may be down before some shard loses its majority. With RF 1 no volume
 * server may be evicted voluntarily.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Selectors.MANAGED))
public class VolumePdb extends CRUDKubernetesDependentResource<PodDisruptionBudget, MiniKVCluster> {
    public static final String NAME = "volume-pdb";

    public VolumePdb() {
        super(PodDisruptionBudget.class);
    }

    public static int maxUnavailable(int replicationFactor) {
        return (replicationFactor - 1) / 2;
    }

    @Override
    protected PodDisruptionBudget desired(MiniKVCluster cluster, Context<MiniKVCluster> context) {
        return new PodDisruptionBudgetBuilder()
                .withNewMetadata()
                .withName(NodeRole.VOLUME.statefulSetName(cluster))
                .withNamespace(cluster.getMetadata().getNamespace())
                .withLabels(ClusterLabels.all(cluster, NodeRole.VOLUME.component()))
                .endMetadata()
                .withNewSpec()
                .withMaxUnavailable(
                        new IntOrString(maxUnavailable(cluster.getSpec().getReplicationFactor())))
                .withNewSelector()
                .withMatchLabels(ClusterLabels.selector(cluster, NodeRole.VOLUME.component()))
                .endSelector()
                .endSpec()
                .build();
    }
}
