package dev.whispem.minikv.operator.unit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whispem.minikv.operator.cluster.ClusterConfig;
import dev.whispem.minikv.operator.cluster.NodeRole;
import dev.whispem.minikv.operator.cluster.NodeStatefulSets;
import dev.whispem.minikv.operator.crd.v1alpha1.MiniKVCluster;
import dev.whispem.minikv.operator.dependent.CoordinatorPdb;
import dev.whispem.minikv.operator.dependent.VolumePdb;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The node StatefulSets built from the production sample: everything the spec asks for lands in the
 * pods.
 */
class NodeStatefulSetsTest {

    static MiniKVCluster production() throws IOException {
        MiniKVCluster cluster =
                SamplesTest.load("minikvcluster-production.yaml", MiniKVCluster.class);
        cluster.getMetadata().setNamespace("prod");
        // The sample leaves TLS and encryption off (node 0.1.0 refuses them); the operator's
        // wiring of both is still checked here.
        cluster.getSpec().getSecurity().tls.enabled = true;
        cluster.getSpec().getSecurity().encryptionAtRest.enabled = true;
        return cluster;
    }

    @Test
    void volumesCarryStorageSecurityAndScheduling() throws IOException {
        MiniKVCluster cluster = production();
        StatefulSet volumes = NodeStatefulSets.build(cluster, NodeRole.VOLUME, 5);
        PodSpec pod = volumes.getSpec().getTemplate().getSpec();
        Container node = pod.getContainers().get(0);

        assertThat(node.getImage()).isEqualTo("registry.example.internal/minikv-node:0.1.0");
        assertThat(node.getResources().getLimits().get("memory").toString()).isEqualTo("4Gi");
        assertThat(
                        volumes.getSpec()
                                .getVolumeClaimTemplates()
                                .get(0)
                                .getSpec()
                                .getStorageClassName())
                .isEqualTo("fast-ssd");
        assertThat(
                        volumes.getSpec()
                                .getVolumeClaimTemplates()
                                .get(0)
                                .getSpec()
                                .getResources()
                                .getRequests()
                                .get("storage")
                                .toString())
                .isEqualTo("100Gi");
        assertThat(volumes.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenScaled())
                .isEqualTo("Delete");

        assertThat(node.getReadinessProbe().getHttpGet().getScheme())
                .as("TLS on")
                .isEqualTo("HTTPS");
        assertThat(pod.getVolumes())
                .extracting(v -> v.getName())
                .containsExactlyInAnyOrder("tls", "encryption-key");
        assertThat(pod.getVolumes())
                .filteredOn(v -> v.getName().equals("tls"))
                .singleElement()
                .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("kv-prod-tls"));
        assertThat(pod.getVolumes())
                .filteredOn(v -> v.getName().equals("encryption-key"))
                .singleElement()
                .satisfies(
                        v ->
                                assertThat(v.getSecret().getSecretName())
                                        .isEqualTo("kv-prod-encryption"));
        assertThat(node.getEnv())
                .extracting(e -> e.getName())
                .contains(
                        "MINIKV_ROLE",
                        "MINIKV_DATA_DIR",
                        "MINIKV_ADMIN_TOKEN",
                        "MINIKV_TLS_CERT",
                        "MINIKV_ENCRYPTION_KEY_FILE");

        assertThat(pod.getNodeSelector()).containsEntry("node-role.example.com/storage", "true");
        assertThat(pod.getTolerations())
                .singleElement()
                .satisfies(t -> assertThat(t.getKey()).isEqualTo("dedicated"));
        assertThat(pod.getPriorityClassName()).isEqualTo("high-priority");
        assertThat(pod.getTopologySpreadConstraints())
                .singleElement()
                .satisfies(
                        c -> {
                            assertThat(c.getTopologyKey()).isEqualTo("topology.kubernetes.io/zone");
                            assertThat(c.getLabelSelector().getMatchLabels())
                                    .containsEntry("app.kubernetes.io/component", "volume");
                        });
        assertThat(pod.getAffinity().getPodAntiAffinity()).as("default anti-affinity").isNotNull();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    }

    @Test
    void withAuthBothRolesGetTheAdminAndJobTokensFromTheAuthSecret() throws IOException {
        MiniKVCluster cluster = production();
        for (String secretName : new String[] {null, "my-auth"}) {
            cluster.getSpec().getSecurity().auth.secretName = secretName;
            String expectedSecret = secretName == null ? "kv-prod-auth" : "my-auth";
            for (NodeRole role : NodeRole.values()) {
                List<EnvVar> env = nodeEnv(cluster, role);
                assertThat(env)
                        .filteredOn(e -> e.getName().equals("MINIKV_JOB_TOKEN"))
                        .as("%s, secret %s", role, expectedSecret)
                        .singleElement()
                        .satisfies(
                                e -> {
                                    assertThat(e.getValue()).isNull();
                                    SecretKeySelector ref = e.getValueFrom().getSecretKeyRef();
                                    assertThat(ref.getName()).isEqualTo(expectedSecret);
                                    assertThat(ref.getKey()).isEqualTo("job-token");
                                    assertThat(ref.getOptional())
                                            .as("a supplied Secret without job-token still starts")
                                            .isTrue();
                                });
                assertThat(env)
                        .filteredOn(e -> e.getName().equals("MINIKV_ADMIN_TOKEN"))
                        .singleElement()
                        .satisfies(
                                e -> {
                                    SecretKeySelector ref = e.getValueFrom().getSecretKeyRef();
                                    assertThat(ref.getName()).isEqualTo(expectedSecret);
                                    assertThat(ref.getKey()).isEqualTo("admin-token");
                                });
            }
        }
    }

    @Test
    void withoutAuthNodesGetNoTokens() throws IOException {
        MiniKVCluster cluster = production();
        cluster.getSpec().getSecurity().auth.enabled = false;
        for (NodeRole role : NodeRole.values()) {
            assertThat(nodeEnv(cluster, role))
                    .extracting(EnvVar::getName)
                    .as("%s", role)
                    .contains("MINIKV_ROLE")
                    .doesNotContain(
                            "MINIKV_JOB_TOKEN", "MINIKV_ADMIN_TOKEN", "MINIKV_JWT_PUBLIC_KEY");
        }
    }

    static List<EnvVar> nodeEnv(MiniKVCluster cluster, NodeRole role) {
        return NodeStatefulSets.build(cluster, role, 1)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getEnv();
    }

    @Test
    void configChangesChangeThePodTemplateSoPodsRoll() throws IOException {
        MiniKVCluster cluster = production();
        String before = ClusterConfig.hash(cluster);
        StatefulSet sts = NodeStatefulSets.build(cluster, NodeRole.COORDINATOR, 3);
        assertThat(sts.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry(NodeStatefulSets.CONFIG_HASH_ANNOTATION, before);
        cluster.getSpec().setReplicationFactor(5);
        assertThat(ClusterConfig.hash(cluster)).isNotEqualTo(before);
    }

    @Test
    void disruptionBudgetsKeepQuorumsAndShardMajorities() {
        assertThat(CoordinatorPdb.minAvailable(1)).isEqualTo(1);
        assertThat(CoordinatorPdb.minAvailable(3)).isEqualTo(2);
        assertThat(CoordinatorPdb.minAvailable(5)).isEqualTo(3);
        assertThat(VolumePdb.maxUnavailable(1)).isZero();
        assertThat(VolumePdb.maxUnavailable(3)).isEqualTo(1);
        assertThat(VolumePdb.maxUnavailable(5)).isEqualTo(2);
    }
}
