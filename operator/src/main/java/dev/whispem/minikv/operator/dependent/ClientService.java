package dev.whispem.minikv.operator.dependent;

import dev.whispem.minikv.operator.cluster.NodeServices;
import dev.whispem.minikv.operator.crd.v1alpha1.MiniKVCluster;
import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** Service {@code x}: the endpoint clients and WhispemJobs use. */
@KubernetesDependent(informer = @Informer(labelSelector = Selectors.MANAGED))
public class ClientService extends CRUDKubernetesDependentResource<Service, MiniKVCluster> {
    public static final String NAME = "client-service";

    public ClientService() {
        super(Service.class);
    }

    @Override
    protected Service desired(MiniKVCluster cluster, Context<MiniKVCluster> context) {
        return NodeServices.client(cluster);
    }
}
