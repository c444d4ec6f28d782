package dev.whispem.minikv.operator.cluster;

import static dev.whispem.minikv.operator.Constants.*;

import dev.whispem.minikv.operator.crd.v1alpha1.MiniKVCluster;
import dev.whispem.minikv.operator.crd.v1alpha1.MiniKVClusterSpec;
import dev.whispem.minikv.operator.crd.v1alpha1.spec.PersistenceSpec;
import dev.whispem.minikv.operator.crd.v1alpha1.spec.SchedulingSpec;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The StatefulSet of one node role. Both roles run the same image and differ in MINIKV_ROLE, size
 * and storage. Pods are replaced by the operator, one at a time and in a quorum-safe order, so the
 * update strategy is OnDelete; pods start in parallel because a coordinator only becomes ready once
 * it reaches its peers.
 */
public final class NodeStatefulSets {
    private NodeStatefulSets() {}

    public static final String DATA_VOLUME = "data";
    public static final String CONFIG_HASH_ANNOTATION = GROUP + "/config-hash";
    static final String TLS_VOLUME = "tls";
    static final String TLS_DIR = "/etc/minikv/tls";
    static final String ENCRYPTION_VOLUME = "encryption-key";
    static final String ENCRYPTION_DIR = "/etc/minikv/encryption";

    public static StatefulSet build(MiniKVCluster cluster, NodeRole role, int replicas) {
        String name = role.statefulSetName(cluster);
        Map<String, String> selector = ClusterLabels.selector(cluster, role.component());
        return new StatefulSetBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(cluster.getMetadata().getNamespace())
                .withLabels(ClusterLabels.all(cluster, role.component()))
                .endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withServiceName(name)
                .withPodManagementPolicy("Parallel")
                .withNewUpdateStrategy()
                .withType("OnDelete")
                .endUpdateStrategy()
                .withNewSelector()
                .withMatchLabels(selector)
                .endSelector()
                .withNewPersistentVolumeClaimRetentionPolicy()
                .withWhenDeleted(role.pvcRetention(cluster).whenDeleted.name())
                .withWhenScaled(role.pvcRetention(cluster).whenScaled.name())
                .endPersistentVolumeClaimRetentionPolicy()
                .withVolumeClaimTemplates(dataClaim(role.persistence(cluster)))
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(ClusterLabels.all(cluster, role.component()))
                .withAnnotations(Map.of(CONFIG_HASH_ANNOTATION, ClusterConfig.hash(cluster)))
                .endMetadata()
                .withNewSpec()
                .withContainers(container(cluster, role))
                .withVolumes(podVolumes(cluster))
                .withTerminationGracePeriodSeconds(60L)
                .withNewSecurityContext()
                .withRunAsNonRoot(true)
                .withRunAsUser(1001L)
                .withFsGroup(1001L)
                .endSecurityContext()
                .withNodeSelector(cluster.getSpec().getScheduling().nodeSelector)
                .withTolerations(cluster.getSpec().getScheduling().tolerations)
                .withAffinity(affinity(cluster.getSpec().getScheduling(), selector))
                .withTopologySpreadConstraints(spread(cluster.getSpec().getScheduling(), selector))
                .withPriorityClassName(cluster.getSpec().getScheduling().priorityClassName)
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    private static PersistentVolumeClaim dataClaim(PersistenceSpec persistence) {
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName(DATA_VOLUME)
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withStorageClassName(persistence.storageClassName)
                .withNewResources()
                .withRequests(Map.of("storage", new Quantity(persistence.size)))
                .endResources()
                .endSpec()
                .build();
    }

    private static Container container(MiniKVCluster cluster, NodeRole role) {
        MiniKVClusterSpec spec = cluster.getSpec();
        List<VolumeMount> mounts = new ArrayList<>();
        mounts.add(
                new VolumeMountBuilder()
                        .withName(DATA_VOLUME)
                        .withMountPath(NODE_DATA_DIR)
                        .build());
        if (spec.getSecurity().tls.enabled) {
            mounts.add(mount(TLS_VOLUME, TLS_DIR));
        }
        if (spec.getSecurity().encryptionAtRest.enabled) {
            mounts.add(mount(ENCRYPTION_VOLUME, ENCRYPTION_DIR));
        }
        String scheme = spec.getSecurity().tls.enabled ? "HTTPS" : "HTTP";
        return new ContainerBuilder()
                .withName("node")
                .withImage(spec.imageReference())
                .withImagePullPolicy(spec.getImagePullPolicy())
                .withEnv(env(cluster, role))
                .addNewEnvFrom()
                .withNewConfigMapRef()
                .withName(ClusterNames.config(cluster))
                .endConfigMapRef()
                .endEnvFrom()
                .addNewPort()
                .withName(NODE_HTTP_PORT_NAME)
                .withContainerPort(NODE_HTTP_PORT)
                .withProtocol("TCP")
                .endPort()
                .addNewPort()
                .withName(NODE_RAFT_PORT_NAME)
                .withContainerPort(NODE_RAFT_PORT)
                .withProtocol("TCP")
                .endPort()
                .withStartupProbe(httpProbe(NODE_LIVENESS_PATH, scheme, 30))
                .withLivenessProbe(httpProbe(NODE_LIVENESS_PATH, scheme, 3))
                .withReadinessProbe(httpProbe(NODE_READINESS_PATH, scheme, 3))
                .withResources(role.resources(cluster))
                .withVolumeMounts(mounts)
                .withNewSecurityContext()
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(false)
                .withNewCapabilities()
                .withDrop("ALL")
                .endCapabilities()
                .endSecurityContext()
                .build();
    }

    private static List<EnvVar> env(MiniKVCluster cluster, NodeRole role) {
        MiniKVClusterSpec spec = cluster.getSpec();
        String headless = role.statefulSetName(cluster);
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVar(ENV_ROLE, role.component(), null));
        env.add(new EnvVar(ENV_DATA_DIR, NODE_DATA_DIR, null));
        env.add(fieldRef("POD_NAME", "metadata.name"));
        env.add(fieldRef("POD_NAMESPACE", "metadata.namespace"));
        env.add(
                new EnvVar(
                        "MINIKV_ADVERTISE_HOST",
                        "$(POD_NAME)." + headless + ".$(POD_NAMESPACE).svc",
                        null));
        if (spec.getSecurity().auth.enabled) {
            env.add(
                    secretRef(
                            "MINIKV_JWT_PUBLIC_KEY",
                            ClusterNames.authSecret(cluster),
                            "jwt-public.pem"));
            env.add(
                    secretRef(
                            "MINIKV_ADMIN_TOKEN", ClusterNames.authSecret(cluster), "admin-token"));
            // The token WhispemJob pods send (their MINIKV_TOKEN defaults to this key). Optional:
            // a user-supplied Secret without it still starts the nodes, which then accept no job
            // token.
            env.add(
                    secretRef(
                            "MINIKV_JOB_TOKEN",
                            ClusterNames.authSecret(cluster),
                            "job-token",
                            true));
        }
        if (spec.getSecurity().tls.enabled) {
            env.add(new EnvVar("MINIKV_TLS_CERT", TLS_DIR + "/tls.crt", null));
            env.add(new EnvVar("MINIKV_TLS_KEY", TLS_DIR + "/tls.key", null));
        }
        if (spec.getSecurity().encryptionAtRest.enabled) {
            env.add(new EnvVar("MINIKV_ENCRYPTION_KEY_FILE", ENCRYPTION_DIR + "/key", null));
        }
        return env;
    }

    private static List<Volume> podVolumes(MiniKVCluster cluster) {
        List<Volume> volumes = new ArrayList<>();
        if (cluster.getSpec().getSecurity().tls.enabled) {
            volumes.add(
                    new VolumeBuilder()
                            .withName(TLS_VOLUME)
                            .withNewSecret()
                            .withSecretName(cluster.getSpec().getSecurity().tls.secretName)
                            .endSecret()
                            .build());
        }
        if (cluster.getSpec().getSecurity().encryptionAtRest.enabled) {
            volumes.add(
                    new VolumeBuilder()
                            .withName(ENCRYPTION_VOLUME)
                            .withNewSecret()
                            .withSecretName(ClusterNames.encryptionSecret(cluster))
                            .withDefaultMode(0400)
                            .endSecret()
                            .build());
        }
        return volumes;
    }

    /** When the user sets no affinity, pods of one role prefer to land on different nodes. */
    private static Affinity affinity(SchedulingSpec scheduling, Map<String, String> selector) {
        if (scheduling.affinity != null) {
            return scheduling.affinity;
        }
        return new AffinityBuilder()
                .withNewPodAntiAffinity()
                .addNewPreferredDuringSchedulingIgnoredDuringExecution()
                .withWeight(100)
                .withNewPodAffinityTerm()
                .withTopologyKey("kubernetes.io/hostname")
                .withLabelSelector(new LabelSelectorBuilder().withMatchLabels(selector).build())
                .endPodAffinityTerm()
                .endPreferredDuringSchedulingIgnoredDuringExecution()
                .endPodAntiAffinity()
                .build();
    }

    /** Constraints without a label selector spread the pods of their own role. */
    private static List<TopologySpreadConstraint> spread(
            SchedulingSpec scheduling, Map<String, String> selector) {
        if (scheduling.topologySpreadConstraints == null) {
            return null;
        }
        return scheduling.topologySpreadConstraints.stream()
                .map(
                        constraint ->
                                constraint.getLabelSelector() != null
                                        ? constraint
                                        : new TopologySpreadConstraintBuilder(constraint)
                                                .withNewLabelSelector()
                                                .withMatchLabels(selector)
                                                .endLabelSelector()
                                                .build())
                .toList();
    }

    private static Probe httpProbe(String path, String scheme, int failureThreshold) {
        return new ProbeBuilder()
                .withNewHttpGet()
                .withPath(path)
                .withNewPort(NODE_HTTP_PORT_NAME)
                .withScheme(scheme)
                .endHttpGet()
                .withPeriodSeconds(10)
                .withTimeoutSeconds(3)
                .withFailureThreshold(failureThreshold)
                .build();
    }

    private static VolumeMount mount(String name, String path) {
        return new VolumeMountBuilder()
                .withName(name)
                .withMountPath(path)
                .withReadOnly(true)
                .build();
    }

    private static EnvVar fieldRef(String name, String fieldPath) {
        return new EnvVarBuilder()
                .withName(name)
                .withNewValueFrom()
                .withNewFieldRef()
                .withFieldPath(fieldPath)
                .endFieldRef()
                .endValueFrom()
                .build();
    }

    private static EnvVar secretRef(String name, String secret, String key) {
        return secretRef(name, secret, key, null);
    }

    private static EnvVar secretRef(String name, String secret, String key, Boolean optional) {
        return new EnvVarBuilder()
                .withName(name)
                .withNewValueFrom()
                .withNewSecretKeyRef()
                .withName(secret)
                .withKey(key)
                .withOptional(optional)
                .endSecretKeyRef()
                .endValueFrom()
                .build();
    }
}
