package dev.whispem.minikv.operator.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.whispem.minikv.operator.crd.v1alpha1.job.KvClusterRef;
import dev.whispem.minikv.operator.crd.v1alpha1.job.ProgramSpec;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class WhispemJobSpec {
    public static final String DEFAULT_IMAGE = "whispem-runtime:0.1.0";
    public static final String PROGRAM_IMMUTABLE =
            "program is immutable; create a new WhispemJob to run another program";
    public static final String ARGS_IMMUTABLE = "args are immutable once the job exists";

    @JsonPropertyDescription(
            "The program: Whispem source inline, source from a ConfigMap key, or compiled bytecode.")
    @Required
    @ValidationRule(value = "self == oldSelf", message = PROGRAM_IMMUTABLE)
    public ProgramSpec program = new ProgramSpec();

    @JsonPropertyDescription("Arguments passed to the program (wvm program.whbc ARGS...).")
    @ValidationRule(value = "self == oldSelf", message = ARGS_IMMUTABLE)
    public List<String> args = new ArrayList<>();

    @JsonPropertyDescription(
            "A MiniKVCluster in the same namespace: the pod gets MINIKV_URL and a MINIKV_TOKEN for the VM's kv_* builtins.")
    public KvClusterRef kvClusterRef;

    @JsonPropertyDescription("Image of the Whispem runtime (the C VM, wvm).")
    @Default(DEFAULT_IMAGE)
    public String image = DEFAULT_IMAGE;

    @JsonPropertyDescription("CPU and memory of the program's container.")
    public ResourceRequirements resources;

    @JsonPropertyDescription("Retries after a failed run before the job is Failed.")
    @Default("2")
    @Min(0)
    public int backoffLimit = 2;

    @JsonPropertyDescription("Deadline of the whole job, all attempts included, in seconds.")
    @Min(1)
    public Long activeDeadlineSeconds;

    @JsonPropertyDescription(
            "Delete the finished Job and its pods this many seconds after it ends.")
    @Min(0)
    public Integer ttlSecondsAfterFinished;

    @JsonPropertyDescription("Do not start (or stop running) pods while true.")
    @Default("false")
    public boolean suspend;
}
