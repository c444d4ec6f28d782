package dev.whispem.minikv.operator.dependent;

import dev.whispem.minikv.operator.cluster.NodeRole;
import dev.whispem.minikv.operator.cluster.NodeServices;
import dev.whispem.minikv.operator.crd.v1alpha1.MiniKVCluster;
import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** Headless Service {@code x-coord}: stable DNS names of the coordinators. */
@KubernetesDependent(informer = @Informer(labelSelector = Selectors.MANAGED))
public class CoordinatorService extends CRUDKubernetesDependentResource<Service, MiniKVCluster> {
    public static final String NAME = "coordinator-service";

    public CoordinatorService() {
        super(Service.class);
    }

    @Override
    protected Service desired(MiniKVCluster cluster, Context<MiniKVCluster> context) {
        return NodeServices.headless(cluster, NodeRole.COORDINATOR);
    }
}
