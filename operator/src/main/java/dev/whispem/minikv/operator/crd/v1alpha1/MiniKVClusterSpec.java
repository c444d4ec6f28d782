package dev.whispem.minikv.operator.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.whispem.minikv.operator.crd.v1alpha1.spec.CoordinatorsSpec;
import dev.whispem.minikv.operator.crd.v1alpha1.spec.SchedulingSpec;
import dev.whispem.minikv.operator.crd.v1alpha1.spec.SecuritySpec;
import dev.whispem.minikv.operator.crd.v1alpha1.spec.StorageSpec;
import dev.whispem.minikv.operator.crd.v1alpha1.spec.VolumesSpec;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "self.replicationFactor <= self.volumes.replicas",
        message = MiniKVClusterSpec.RF_EXCEEDS_VOLUMES,
        reason = "FieldValueInvalid")
public class MiniKVClusterSpec {

    public static final String RF_EXCEEDS_VOLUMES =
            "replicationFactor must not exceed volumes.replicas";
    public static final String RF_ODD = "replicationFactor must be 1, 3 or 5";
    public static final String RF_IMMUTABLE =
            "replicationFactor is fixed when the cluster is created (the shard map keeps its first"
                    + " value)";
    public static final String GROUPS_DIVIDE_SHARDS =
            "shardGroups must divide the 256 virtual shards: 1, 2, 4, 8, 16, 32, 64, 128 or 256";
    public static final String GROUPS_IMMUTABLE =
            "shardGroups is fixed when the cluster is created";
    public static final String DEFAULT_IMAGE = "minikv-node";
    public static final String DEFAULT_VERSION = "0.1.0";

    @JsonPropertyDescription(
            "Container image of the MiniKV node, without tag. Images are built locally; see docs/operator/guide.md.")
    @Default(DEFAULT_IMAGE)
    private String image = DEFAULT_IMAGE;

    @JsonPropertyDescription(
            "Version (image tag) of the MiniKV node. Changing it rolls the cluster one pod at a time.")
    @Default(DEFAULT_VERSION)
    private String version = DEFAULT_VERSION;

    @JsonPropertyDescription("Image pull policy of the node containers.")
    @Default("IfNotPresent")
    private String imagePullPolicy = "IfNotPresent";

    @JsonPropertyDescription(
            "The metadata quorum: coordinators hold membership, the shard map, tenants and keys.")
    @Required
    private CoordinatorsSpec coordinators = new CoordinatorsSpec();

    @JsonPropertyDescription("The data servers: each holds a share of the 256 virtual shards.")
    @Required
    private VolumesSpec volumes = new VolumesSpec();

    @JsonPropertyDescription(
            "How many volume servers hold a copy of each shard: 1, 3 or 5, at most volumes.replicas.")
    @Default("3")
    @ValidationRule(value = "self in [1, 3, 5]", message = RF_ODD)
    @ValidationRule(value = "self == oldSelf", message = RF_IMMUTABLE)
    private int replicationFactor = 3;

    @JsonPropertyDescription(
            "How many Raft groups the 256 virtual shards are packed into (shard mod shardGroups)."
                    + " Fewer groups batch more writes per Raft entry, which pays on small clusters;"
                    + " more groups spread leaders and moves over more volume servers. Fixed at"
                    + " creation. See docs/performance.md.")
    @Default("8")
    @ValidationRule(
            value = "self in [1, 2, 4, 8, 16, 32, 64, 128, 256]",
            message = GROUPS_DIVIDE_SHARDS)
    @ValidationRule(value = "self == oldSelf", message = GROUPS_IMMUTABLE)
    private int shardGroups = 8;

    @JsonPropertyDescription("Storage engine of the volume servers.")
    private StorageSpec storage = new StorageSpec();

    @JsonPropertyDescription("Authentication, TLS and encryption at rest.")
    private SecuritySpec security = new SecuritySpec();

    @JsonPropertyDescription("Where the node pods may run: applied to coordinators and volumes.")
    private SchedulingSpec scheduling = new SchedulingSpec();

    /** The full image reference the node containers run. */
    public String imageReference() {
        return image + ":" + version;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public String getVersion() {
        return version;
    }

    public void setVersion(String version) {
        this.version = version;
    }

    public String getImagePullPolicy() {
        return imagePullPolicy;
    }

    public void setImagePullPolicy(String imagePullPolicy) {
        this.imagePullPolicy = imagePullPolicy;
    }

    public CoordinatorsSpec getCoordinators() {
        return coordinators;
    }

    public void setCoordinators(CoordinatorsSpec coordinators) {
        this.coordinators = coordinators;
    }

    public VolumesSpec getVolumes() {
        return volumes;
    }

    public void setVolumes(VolumesSpec volumes) {
        this.volumes = volumes;
    }

    public int getReplicationFactor() {
        return replicationFactor;
    }

    public void setReplicationFactor(int replicationFactor) {
        this.replicationFactor = replicationFactor;
    }

    public int getShardGroups() {
        return shardGroups;
    }

    public void setShardGroups(int shardGroups) {
        this.shardGroups = shardGroups;
    }

    public StorageSpec getStorage() {
        return storage;
    }

    public void setStorage(StorageSpec storage) {
        this.storage = storage;
    }

    public SecuritySpec getSecurity() {
        return security;
    }

    public void setSecurity(SecuritySpec security) {
        this.security = security;
    }

    public SchedulingSpec getScheduling() {
        return scheduling;
    }

    public void setScheduling(SchedulingSpec scheduling) {
        this.scheduling = scheduling;
    }
}
