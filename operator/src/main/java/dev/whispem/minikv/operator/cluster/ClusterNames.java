package dev.whispem.minikv.operator.cluster;

import dev.whispem.minikv.operator.crd.v1alpha1.MiniKVCluster;

/** Names of the objects a MiniKVCluster {@code x} owns, and of its pods. */
public final class ClusterNames {
    private ClusterNames() {}

    public static String coordinators(MiniKVCluster cluster) {
        return cluster.getMetadata().getName() + "-coord";
    }

    /**
     * Service of the ready coordinators' HTTP API: the admin API the operator calls, the volume
     * servers' heartbeats and the registration of new coordinators. Unlike the headless {@code
     * x-coord}, it never routes to a coordinator that is not yet a member of the metadata group.
     */
    public static String coordinatorApi(MiniKVCluster cluster) {
        return coordinators(cluster) + "-api";
    }

    public static String volumes(MiniKVCluster cluster) {
        return cluster.getMetadata().getName() + "-vol";
    }

    public static String clientService(MiniKVCluster cluster) {
        return cluster.getMetadata().getName();
    }

    public static String config(MiniKVCluster cluster) {
        return cluster.getMetadata().getName() + "-config";
    }

    public static String authSecret(MiniKVCluster cluster) {
        String supplied = cluster.getSpec().getSecurity().auth.secretName;
        return supplied != null ? supplied : generatedAuthSecret(cluster);
    }

    public static String generatedAuthSecret(MiniKVCluster cluster) {
        return cluster.getMetadata().getName() + "-auth";
    }

    public static String encryptionSecret(MiniKVCluster cluster) {
        String supplied = cluster.getSpec().getSecurity().encryptionAtRest.keySecretName;
        return supplied != null ? supplied : generatedEncryptionSecret(cluster);
    }

    public static String generatedEncryptionSecret(MiniKVCluster cluster) {
        return cluster.getMetadata().getName() + "-encryption";
    }

    /** Pod {@code ordinal} of a StatefulSet named {@code statefulSet}. */
    public static String pod(String statefulSet, int ordinal) {
        return statefulSet + "-" + ordinal;
    }

    /** Ordinal of a StatefulSet pod, from its name. */
    public static int ordinal(String podName) {
        return Integer.parseInt(podName.substring(podName.lastIndexOf('-') + 1));
    }

    /** Stable DNS name of a pod behind its headless Service. */
    public static String podHost(MiniKVCluster cluster, String statefulSet, int ordinal) {
        return pod(statefulSet, ordinal)
                + "."
                + statefulSet
                + "."
                + cluster.getMetadata().getNamespace()
                + ".svc";
    }

    public static String clientEndpoint(MiniKVCluster cluster) {
        String scheme = cluster.getSpec().getSecurity().tls.enabled ? "https" : "http";
        return scheme
                + "://"
                + clientService(cluster)
                + "."
                + cluster.getMetadata().getNamespace()
                + ".svc:"
                + dev.whispem.minikv.operator.Constants.NODE_HTTP_PORT;
    }
}
