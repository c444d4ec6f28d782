package dev.whispem.minikv.operator.dependent;

import dev.whispem.minikv.operator.cluster.ClusterPlan;
import dev.whispem.minikv.operator.cluster.NodeRole;
import dev.whispem.minikv.operator.cluster.NodeStatefulSets;
import dev.whispem.minikv.operator.crd.v1alpha1.MiniKVCluster;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** StatefulSet {@code x-vol}: the volume servers, one PersistentVolumeClaim each. */
@KubernetesDependent(informer = @Informer(labelSelector = Selectors.MANAGED))
public class VolumeStatefulSet extends CRUDKubernetesDependentResource<StatefulSet, MiniKVCluster> {
    public static final String NAME = "volume-statefulset";

    public VolumeStatefulSet() {
        super(StatefulSet.class);
    }

    @Override
    protected StatefulSet desired(MiniKVCluster cluster, Context<MiniKVCluster> context) {
        return NodeStatefulSets.build(
                cluster, NodeRole.VOLUME, ClusterPlan.of(cluster, context).volumeReplicas());
    }
}
