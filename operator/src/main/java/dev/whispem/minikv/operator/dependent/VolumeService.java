package dev.whispem.minikv.operator.dependent;

import dev.whispem.minikv.operator.cluster.NodeRole;
import dev.whispem.minikv.operator.cluster.NodeServices;
import dev.whispem.minikv.operator.crd.v1alpha1.MiniKVCluster;
import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** Headless Service {@code x-vol}: stable DNS names of the volume servers. */
@KubernetesDependent(informer = @Informer(labelSelector = Selectors.MANAGED))
public class VolumeService extends CRUDKubernetesDependentResource<Service, MiniKVCluster> {
    public static final String NAME = "volume-service";

    public VolumeService() {
        super(Service.class);
    }

    @Override
    protected Service desired(MiniKVCluster cluster, Context<MiniKVCluster> context) {
        return NodeServices.headless(cluster, NodeRole.VOLUME);
    }
}
