package dev.whispem.minikv.operator.mock.fake;

import dev.whispem.minikv.operator.admin.NodeAdminClient;
import dev.whispem.minikv.operator.admin.NodeAdminClientFactory;
import dev.whispem.minikv.operator.crd.v1alpha1.MiniKVCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Replaces the HTTP admin clients in every test: one {@link FakeNodeAdmin} per cluster. */
@Alternative
@Priority(1)
@ApplicationScoped
public class FakeNodeAdminFactory implements NodeAdminClientFactory {
    private final Map<String, FakeNodeAdmin> clusters = new ConcurrentHashMap<>();

    @Inject KubernetesClient client;

    @Override
    public NodeAdminClient forCluster(MiniKVCluster cluster) {
        FakeNodeAdmin admin =
                of(cluster.getMetadata().getNamespace(), cluster.getMetadata().getName());
        admin.setReplicationFactor(cluster.getSpec().getReplicationFactor());
        return admin;
    }

    public FakeNodeAdmin of(String namespace, String name) {
        return clusters.computeIfAbsent(
                namespace + "/" + name, key -> new FakeNodeAdmin(client, namespace, name, 3));
    }
}
