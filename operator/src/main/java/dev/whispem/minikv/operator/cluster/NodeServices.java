package dev.whispem.minikv.operator.cluster;

import static dev.whispem.minikv.operator.Constants.*;

import dev.whispem.minikv.operator.crd.v1alpha1.MiniKVCluster;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;

/**
 * The Services of a cluster: one headless per role (stable pod DNS), one for the coordinators' API,
 * one for clients.
 */
public final class NodeServices {
    private NodeServices() {}

    /**
     * Headless, and publishing not-ready pods: Raft peers must find each other before any of them
     * can report ready.
     */
    public static Service headless(MiniKVCluster cluster, NodeRole role) {
        return new ServiceBuilder()
                .withNewMetadata()
                .withName(role.statefulSetName(cluster))
                .withNamespace(cluster.getMetadata().getNamespace())
                .withLabels(ClusterLabels.all(cluster, role.component()))
                .endMetadata()
                .withNewSpec()
                .withClusterIP("None")
                .withPublishNotReadyAddresses(true)
                .withSelector(ClusterLabels.selector(cluster, role.component()))
                .withPorts(
                        port(NODE_HTTP_PORT_NAME, NODE_HTTP_PORT),
                        port(NODE_RAFT_PORT_NAME, NODE_RAFT_PORT))
                .endSpec()
                .build();
    }

    /**
     * The ready coordinators' HTTP API (not headless: one virtual IP). A coordinator is ready only
     * once it votes in the metadata group, so whichever one answers can forward to the leader;
     * through the headless Service a caller could reach a coordinator still waiting to be added.
     */
    public static Service coordinatorApi(MiniKVCluster cluster) {
        return new ServiceBuilder()
                .withNewMetadata()
                .withName(ClusterNames.coordinatorApi(cluster))
                .withNamespace(cluster.getMetadata().getNamespace())
                .withLabels(ClusterLabels.all(cluster, NodeRole.COORDINATOR.component()))
                .endMetadata()
                .withNewSpec()
                .withType("ClusterIP")
                .withSelector(ClusterLabels.selector(cluster, NodeRole.COORDINATOR.component()))
                .withPorts(port(NODE_HTTP_PORT_NAME, NODE_HTTP_PORT))
                .endSpec()
                .build();
    }

    /**
     * The client Service selects the ready volume servers. Any node accepts any client request, but
     * a volume server answers reads of the groups it holds from its own replica, while a
     * coordinator holds none and sends every read to the group's leader: measured on loopback, 64
     * connections reading through the coordinators got 1,229 reads/s against 12,906-14,404 through
     * the volume servers (decision 0203).
     */
    public static Service client(MiniKVCluster cluster) {
        return new ServiceBuilder()
                .withNewMetadata()
                .withName(ClusterNames.clientService(cluster))
                .withNamespace(cluster.getMetadata().getNamespace())
                .withLabels(ClusterLabels.all(cluster, null))
                .endMetadata()
                .withNewSpec()
                .withType("ClusterIP")
                .withSelector(ClusterLabels.selector(cluster, NodeRole.VOLUME.component()))
                .withPorts(port(NODE_HTTP_PORT_NAME, NODE_HTTP_PORT))
                .endSpec()
                .build();
    }

    private static ServicePort port(String name, int port) {
        return new ServicePortBuilder()
                .withName(name)
                .withPort(port)
                .withTargetPort(new IntOrString(name))
                .withProtocol("TCP")
                .build();
    }
}
