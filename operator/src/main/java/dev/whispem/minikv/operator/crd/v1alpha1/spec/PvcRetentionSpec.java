package dev.whispem.minikv.operator.crd.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** The StatefulSet's persistentVolumeClaimRetentionPolicy, for the volume servers. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PvcRetentionSpec {

    public enum Policy {
        Retain,
        Delete
    }

    @JsonPropertyDescription("Retain or Delete the claims when the MiniKVCluster is deleted.")
    @Default("Retain")
    public Policy whenDeleted = Policy.Retain;

    @JsonPropertyDescription(
            "Retain or Delete the claims of volume servers removed by a scale-down (after they were drained).")
    @Default("Delete")
    public Policy whenScaled = Policy.Delete;
}
