package dev.whispem.minikv.operator.crd.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/** The coordinators: one Ratis group holding the cluster's metadata. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CoordinatorsSpec {
    public static final String ODD_REPLICAS =
            "coordinators.replicas must be 1, 3 or 5 (an odd-sized quorum)";

    @JsonPropertyDescription(
            "Number of coordinators: 1, 3 or 5. Changed one member at a time through membership changes.")
    @Default("3")
    @ValidationRule(value = "self in [1, 3, 5]", message = ODD_REPLICAS)
    public int replicas = 3;

    @JsonPropertyDescription("Persistent storage of each coordinator (its Raft log and snapshots).")
    public PersistenceSpec storage = PersistenceSpec.ofSize("1Gi");

    @JsonPropertyDescription("CPU and memory of each coordinator container.")
    public ResourceRequirements resources;
}
