package dev.whispem.minikv.operator.cluster;

import dev.whispem.minikv.operator.Constants;
import dev.whispem.minikv.operator.crd.v1alpha1.MiniKVCluster;
import dev.whispem.minikv.operator.crd.v1alpha1.spec.PersistenceSpec;
import dev.whispem.minikv.operator.crd.v1alpha1.spec.PvcRetentionSpec;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/** The two kinds of node pods a cluster runs, and where their settings live in the spec. */
public enum NodeRole {
    COORDINATOR(Constants.COMPONENT_COORDINATOR),
    VOLUME(Constants.COMPONENT_VOLUME);

    private final String component;

    NodeRole(String component) {
        this.component = component;
    }

    /** Value of MINIKV_ROLE and of the app.kubernetes.io/component label. */
    public String component() {
        return component;
    }

    public String statefulSetName(MiniKVCluster cluster) {
        return this == COORDINATOR
                ? ClusterNames.coordinators(cluster)
                : ClusterNames.volumes(cluster);
    }

    public PersistenceSpec persistence(MiniKVCluster cluster) {
        return this == COORDINATOR
                ? cluster.getSpec().getCoordinators().storage
                : cluster.getSpec().getVolumes().storage;
    }

    public ResourceRequirements resources(MiniKVCluster cluster) {
        return this == COORDINATOR
                ? cluster.getSpec().getCoordinators().resources
                : cluster.getSpec().getVolumes().resources;
    }

    public PvcRetentionSpec pvcRetention(MiniKVCluster cluster) {
        PvcRetentionSpec volumes = cluster.getSpec().getVolumes().pvcRetention;
        if (this == VOLUME) {
            return volumes;
        }
        // A removed coordinator's Raft log is of no use to anyone; on deletion follow the volumes.
        PvcRetentionSpec coordinators = new PvcRetentionSpec();
        coordinators.whenDeleted = volumes.whenDeleted;
        coordinators.whenScaled = PvcRetentionSpec.Policy.Delete;
        return coordinators;
    }
}
