package dev.whispem.minikv.operator.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the operator observed, written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MiniKVClusterStatus {

    @JsonPropertyDescription("The metadata.generation this status describes.")
    public Long observedGeneration;

    @JsonPropertyDescription(
            "Ready (serving, all members healthy), Progressing (a change is being rolled out), Degraded (something needs attention).")
    public List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("Ready coordinators over desired, e.g. 3/3.")
    public String coordinators;

    @JsonPropertyDescription("Ready volume servers over desired, e.g. 3/3.")
    public String volumes;

    @JsonPropertyDescription("Number of coordinator pods that are ready.")
    public Integer readyCoordinators;

    @JsonPropertyDescription("Number of volume server pods that are ready.")
    public Integer readyVolumes;

    @JsonPropertyDescription("The coordinator that currently leads the metadata group.")
    public String leader;

    @JsonPropertyDescription("Image version every pod runs; unset while a rollout is in progress.")
    public String currentVersion;

    @JsonPropertyDescription("Shard placement as reported by the coordinators.")
    public ShardStatus shards;

    @JsonPropertyDescription(
            "Volume servers being drained: leaving in a scale-down, or kept again after one was undone until their drain is cancelled or they rejoin.")
    public List<String> draining;

    @JsonPropertyDescription("What the operator is doing now, in words.")
    public String operation;

    @JsonPropertyDescription(
            "In-cluster URL clients use: http(s)://<cluster>.<namespace>.svc:8080.")
    public String clientEndpoint;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ShardStatus {
        @JsonPropertyDescription("Number of virtual shards (256).")
        public Integer total;

        @JsonPropertyDescription("Fewest shard replicas held by one volume server.")
        public Integer minPerVolume;

        @JsonPropertyDescription("Most shard replicas held by one volume server.")
        public Integer maxPerVolume;

        @JsonPropertyDescription("Shard moves the coordinators are performing now.")
        public Integer movesInFlight;

        @JsonPropertyDescription("Shard replicas with fewer copies than replicationFactor.")
        public Integer underReplicated;

        @JsonPropertyDescription(
                "Whether the serving volume servers hold about as many shard replicas each (within one group).")
        public Boolean balanced;

        @JsonPropertyDescription(
                "Version of the coordinators' shard map; every membership or placement change bumps it.")
        public Long epoch;
    }
}
