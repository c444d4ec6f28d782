package dev.whispem.minikv.operator.dependent;

import dev.whispem.minikv.operator.cluster.NodeServices;
import dev.whispem.minikv.operator.crd.v1alpha1.MiniKVCluster;
import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * Service {@code x-coord-api}: the ready coordinators' HTTP API, for the operator's admin calls,
 * the volume servers' heartbeats and coordinator registration.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Selectors.MANAGED))
public class CoordinatorApiService extends CRUDKubernetesDependentResource<Service, MiniKVCluster> {
    public static final String NAME = "coordinator-api-service";

    public CoordinatorApiService() {
        super(Service.class);
    }

    @Override
    protected Service desired(MiniKVCluster cluster, Context<MiniKVCluster> context) {
        return NodeServices.coordinatorApi(cluster);
    }
}
