package dev.whispem.minikv.operator.cluster;

import static dev.whispem.minikv.operator.Constants.*;

import dev.whispem.minikv.operator.crd.v1alpha1.MiniKVCluster;
import java.util.LinkedHashMap;
import java.util.Map;

/** The app.kubernetes.io/* labels of a cluster's objects. */
public final class ClusterLabels {
    private ClusterLabels() {}

    /**
     * Labels that select the pods of one role; never change them (StatefulSet selectors are
     * immutable).
     */
    public static Map<String, String> selector(MiniKVCluster cluster, String component) {
        Map<String, String> labels = instance(cluster);
        labels.put(LABEL_COMPONENT, component);
        return labels;
    }

    /** Labels that select every node pod of the cluster, whatever its role. */
    public static Map<String, String> instance(MiniKVCluster cluster) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(LABEL_NAME, APP_MINIKV);
        labels.put(LABEL_INSTANCE, cluster.getMetadata().getName());
        return labels;
    }

    /** All labels of an owned object; {@code component} may be null for cluster-wide objects. */
    public static Map<String, String> all(MiniKVCluster cluster, String component) {
        Map<String, String> labels =
                component == null ? instance(cluster) : selector(cluster, component);
        labels.put(LABEL_VERSION, cluster.getSpec().getVersion());
        labels.put(LABEL_PART_OF, APP_MINIKV);
        labels.put(LABEL_MANAGED_BY, OPERATOR_NAME);
        return labels;
    }
}
