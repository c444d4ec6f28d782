package dev.whispem.minikv.operator.cluster;

import static dev.whispem.minikv.operator.Constants.NODE_HTTP_PORT;
import static dev.whispem.minikv.operator.Constants.NODE_RAFT_PORT;

import dev.whispem.minikv.operator.crd.v1alpha1.MiniKVCluster;
import dev.whispem.minikv.operator.crd.v1alpha1.MiniKVClusterSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The node configuration shared by every pod of a cluster, as environment variables (the env-var
 * form of the node's {@code minikv.*} config keys). Per-pod values (role, data directory, the pod's
 * own address) are set on the containers instead.
 */
public final class ClusterConfig {
    private ClusterConfig() {}

    public static Map<String, String> data(MiniKVCluster cluster) {
        MiniKVClusterSpec spec = cluster.getSpec();
        String namespace = cluster.getMetadata().getNamespace();
        Map<String, String> data = new TreeMap<>();
        data.put("MINIKV_CLUSTER_NAME", cluster.getMetadata().getName());
        // New coordinators join through membership changes the operator makes; pod 0 bootstraps.
        // The node takes the first DNS label as the bootstrapping coordinator's id: its pod name.
        data.put(
                "MINIKV_BOOTSTRAP_COORDINATOR",
                ClusterNames.podHost(cluster, ClusterNames.coordinators(cluster), 0));
        // Ready coordinators only: every one of them is a member and reaches the leader.
        data.put(
                "MINIKV_COORDINATORS_SERVICE",
                ClusterNames.coordinatorApi(cluster) + "." + namespace + ".svc:" + NODE_HTTP_PORT);
        // A fixed Raft port (the node's default, 0, picks a random one peers cannot know), bound on
        // every interface; peers dial the pod's advertised name (MINIKV_ADVERTISE_HOST).
        data.put("MINIKV_RAFT_PORT", Integer.toString(NODE_RAFT_PORT));
        data.put("MINIKV_RAFT_BIND_HOST", "0.0.0.0");
        data.put("MINIKV_REPLICATION_FACTOR", Integer.toString(spec.getReplicationFactor()));
        data.put("MINIKV_REPLICATION_GROUPS", Integer.toString(spec.getShardGroups()));
        data.put("MINIKV_STORAGE_BACKEND", spec.getStorage().backendName());
        data.put("MINIKV_STORAGE_COMPRESSION", spec.getStorage().compressionName());
        data.put("MINIKV_AUTH_ENABLED", Boolean.toString(spec.getSecurity().auth.enabled));
        data.put("MINIKV_TLS_ENABLED", Boolean.toString(spec.getSecurity().tls.enabled));
        data.put(
                "MINIKV_ENCRYPTION_ENABLED",
                Boolean.toString(spec.getSecurity().encryptionAtRest.enabled));
        return data;
    }

    /** SHA-256 of the configuration: stamped on pod templates so a change rolls the pods. */
    public static String hash(MiniKVCluster cluster) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            data(cluster)
                    .forEach(
                            (key, value) ->
                                    digest.update(
                                            (key + "=" + value + "\n")
                                                    .getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
