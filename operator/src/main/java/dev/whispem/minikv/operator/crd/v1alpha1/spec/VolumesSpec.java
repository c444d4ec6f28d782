package dev.whispem.minikv.operator.crd.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/** The volume servers: they hold the data, one RocksDB and one PersistentVolumeClaim each. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VolumesSpec {

    @JsonPropertyDescription(
            "Number of volume servers (at least 1 and at least replicationFactor). Scaling down drains the removed servers first.")
    @Default("3")
    @Min(1)
    public int replicas = 3;

    @JsonPropertyDescription("Persistent storage of each volume server.")
    public PersistenceSpec storage = PersistenceSpec.ofSize("10Gi");

    @JsonPropertyDescription("CPU and memory of each volume server container.")
    public ResourceRequirements resources;

    @JsonPropertyDescription(
            "What happens to the volume servers' PersistentVolumeClaims when the cluster is deleted or scaled down.")
    public PvcRetentionSpec pvcRetention = new PvcRetentionSpec();
}
