package dev.whispem.minikv.operator.crd.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import java.util.List;
import java.util.Map;

/** Pod placement, copied to both StatefulSets' pod templates. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class SchedulingSpec {
    @JsonPropertyDescription("Node labels the pods must run on.")
    public Map<String, String> nodeSelector;

    @JsonPropertyDescription("Taints the pods tolerate.")
    public List<Toleration> tolerations;

    @JsonPropertyDescription(
            "Affinity of the pods. When unset, pods of one role prefer different nodes.")
    public Affinity affinity;

    @JsonPropertyDescription(
            "Topology spread constraints; their labelSelector may be left empty to mean the pod's own role.")
    public List<TopologySpreadConstraint> topologySpreadConstraints;

    @JsonPropertyDescription("Priority class of the pods.")
    public String priorityClassName;
}
