package dev.whispem.minikv.operator.mock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.whispem.minikv.operator.Constants;
import dev.whispem.minikv.operator.crd.v1alpha1.MiniKVCluster;
import dev.whispem.minikv.operator.crd.v1alpha1.MiniKVClusterSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithKubernetesTestServer(crud = true)
class MiniKVClusterCreationTest {
    static final String NS = "creation";

    @Inject KubernetesClient client;

    @Test
    void createsStatefulSetsServicesAndConfig() {
        MiniKVCluster cluster = new MiniKVCluster();
        cluster.setMetadata(new ObjectMetaBuilder().withName("kv").withNamespace(NS).build());
        MiniKVClusterSpec spec = new MiniKVClusterSpec();
        spec.setVersion("1.2.3");
        spec.getCoordinators().replicas = 3;
        spec.getVolumes().replicas = 4;
        spec.getVolumes().storage.size = "20Gi";
        spec.getVolumes().storage.storageClassName = "fast";
        cluster.setSpec(spec);
        client.resource(cluster).create();

        StatefulSet coord = awaitStatefulSet("kv-coord");
        StatefulSet vol = awaitStatefulSet("kv-vol");

        assertThat(coord.getSpec().getReplicas()).isEqualTo(3);
        assertThat(coord.getSpec().getServiceName()).isEqualTo("kv-coord");
        assertThat(coord.getSpec().getUpdateStrategy().getType()).isEqualTo("OnDelete");
        assertThat(coord.getSpec().getSelector().getMatchLabels())
                .containsEntry(Constants.LABEL_INSTANCE, "kv")
                .containsEntry(Constants.LABEL_COMPONENT, "coordinator");
        assertThat(coord.getMetadata().getLabels())
                .containsEntry(Constants.LABEL_MANAGED_BY, Constants.OPERATOR_NAME)
                .containsEntry(Constants.LABEL_VERSION, "1.2.3");
        assertThat(coord.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(ref -> assertThat(ref.getKind()).isEqualTo("MiniKVCluster"));
        Container node = coord.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(node.getImage()).isEqualTo("minikv-node:1.2.3");
        assertThat(node.getEnv()).contains(new EnvVar("MINIKV_ROLE", "coordinator", null));
        assertThat(node.getEnv()).contains(new EnvVar("MINIKV_DATA_DIR", "/var/lib/minikv", null));
        assertThat(node.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        assertThat(node.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        assertThat(node.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
        assertThat(node.getPorts())
                .anySatisfy(p -> assertThat(p.getContainerPort()).isEqualTo(8080));

        assertThat(vol.getSpec().getReplicas()).isEqualTo(4);
        Container volNode = vol.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(volNode.getEnv()).contains(new EnvVar("MINIKV_ROLE", "volume", null));
        assertThat(vol.getSpec().getVolumeClaimTemplates())
                .singleElement()
                .satisfies(
                        pvc -> {
                            assertThat(pvc.getSpec().getStorageClassName()).isEqualTo("fast");
                            assertThat(
                                            pvc.getSpec()
                                                    .getResources()
                                                    .getRequests()
                                                    .get("storage")
                                                    .toString())
                                    .isEqualTo("20Gi");
                        });
        assertThat(vol.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenScaled())
                .isEqualTo("Delete");

        Service coordHeadless = awaitService("kv-coord");
        assertThat(coordHeadless.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(coordHeadless.getSpec().getPublishNotReadyAddresses()).isTrue();
        Service coordApi = awaitService("kv-coord-api");
        assertThat(coordApi.getSpec().getClusterIP())
                .as("one virtual IP in front of the ready coordinators")
                .isNotEqualTo("None");
        assertThat(coordApi.getSpec().getPublishNotReadyAddresses()).isNotEqualTo(Boolean.TRUE);
        assertThat(coordApi.getSpec().getSelector())
                .containsEntry(Constants.LABEL_COMPONENT, "coordinator");
        Service volHeadless = awaitService("kv-vol");
        assertThat(volHeadless.getSpec().getPublishNotReadyAddresses()).isTrue();
        assertThat(volHeadless.getSpec().getSelector())
                .containsEntry(Constants.LABEL_COMPONENT, "volume");
        Service clientService = awaitService("kv");
        assertThat(clientService.getSpec().getClusterIP()).isNotEqualTo("None");
        assertThat(clientService.getSpec().getSelector())
                .as("clients reach the volume servers, which answer reads from their replicas")
                .containsEntry(Constants.LABEL_INSTANCE, "kv")
                .containsEntry(Constants.LABEL_COMPONENT, "volume");
        assertThat(clientService.getSpec().getPorts())
                .singleElement()
                .satisfies(p -> assertThat(p.getPort()).isEqualTo(8080));

        ConfigMap config = client.configMaps().inNamespace(NS).withName("kv-config").get();
        assertThat(config.getData())
                .containsEntry("MINIKV_CLUSTER_NAME", "kv")
                .containsEntry("MINIKV_REPLICATION_FACTOR", "3")
                .containsEntry("MINIKV_REPLICATION_GROUPS", "8")
                .containsEntry("MINIKV_RAFT_PORT", "9872")
                .containsEntry("MINIKV_RAFT_BIND_HOST", "0.0.0.0")
                .containsEntry("MINIKV_COORDINATORS_SERVICE", "kv-coord-api." + NS + ".svc:8080");
        // The node takes the first DNS label as the id of the coordinator that bootstraps: the
        // pod name of coordinator 0, which is also its Raft id (POD_NAME).
        String bootstrap = config.getData().get("MINIKV_BOOTSTRAP_COORDINATOR");
        assertThat(bootstrap).isEqualTo("kv-coord-0.kv-coord." + NS + ".svc");
        assertThat(bootstrap.split("\\.")[0]).isEqualTo("kv-coord-0");
        assertThat(node.getEnv())
                .contains(
                        new EnvVar(
                                "MINIKV_ADVERTISE_HOST",
                                "$(POD_NAME).kv-coord.$(POD_NAMESPACE).svc",
                                null));

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> {
                            MiniKVCluster current =
                                    client.resources(MiniKVCluster.class)
                                            .inNamespace(NS)
                                            .withName("kv")
                                            .get();
                            assertThat(current.getStatus()).isNotNull();
                            assertThat(current.getStatus().clientEndpoint)
                                    .isEqualTo("http://kv.creation.svc:8080");
                        });
    }

    private StatefulSet awaitStatefulSet(String name) {
        return await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> client.apps().statefulSets().inNamespace(NS).withName(name).get(),
                        s -> s != null);
    }

    private Service awaitService(String name) {
        return await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> client.services().inNamespace(NS).withName(name).get(),
                        s -> s != null);
    }
}
