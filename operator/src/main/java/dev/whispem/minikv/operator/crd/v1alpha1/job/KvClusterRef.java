package dev.whispem.minikv.operator.crd.v1alpha1.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.SecretKeySelector;

/** The MiniKVCluster a program uses. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class KvClusterRef {
    @JsonPropertyDescription("Name of a MiniKVCluster in the job's namespace.")
    @Required
    public String name;

    @JsonPropertyDescription(
            "Secret key holding the token the program uses (MINIKV_TOKEN). Default: key job-token of the cluster's auth Secret.")
    public SecretKeySelector tokenSecretKeyRef;
}
