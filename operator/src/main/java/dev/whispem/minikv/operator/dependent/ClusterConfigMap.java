package dev.whispem.minikv.operator.dependent;

import dev.whispem.minikv.operator.cluster.ClusterConfig;
import dev.whispem.minikv.operator.cluster.ClusterLabels;
import dev.whispem.minikv.operator.cluster.ClusterNames;
import dev.whispem.minikv.operator.crd.v1alpha1.MiniKVCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** ConfigMap {@code x-config}: node settings shared by all pods, read as environment. */
@KubernetesDependent(informer = @Informer(labelSelector = Selectors.MANAGED))
public class ClusterConfigMap extends CRUDKubernetesDependentResource<ConfigMap, MiniKVCluster> {
    public static final String NAME = "config-map";

    public ClusterConfigMap() {
        super(ConfigMap.class);
    }

    @Override
    protected ConfigMap desired(MiniKVCluster cluster, Context<MiniKVCluster> context) {
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(ClusterNames.config(cluster))
                .withNamespace(cluster.getMetadata().getNamespace())
                .withLabels(ClusterLabels.all(cluster, null))
                .endMetadata()
                .withData(ClusterConfig.data(cluster))
                .build();
    }
}
