package dev.whispem.minikv.operator.crd.v1alpha1.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;

/** Where the program comes from: exactly one of source, sourceFrom, bytecode. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value =
                "[has(self.source), has(self.sourceFrom), has(self.bytecode)].filter(x, x).size() == 1",
        message = ProgramSpec.EXACTLY_ONE)
public class ProgramSpec {
    public static final String EXACTLY_ONE =
            "exactly one of program.source, program.sourceFrom, program.bytecode must be set";

    @JsonPropertyDescription("Whispem source code.")
    public String source;

    @JsonPropertyDescription("A ConfigMap key holding Whispem source code.")
    public ConfigMapKeySelector sourceFrom;

    @JsonPropertyDescription("Compiled .whbc bytecode, base64: run as is, not compiled.")
    public String bytecode;

    @JsonPropertyDescription("File name used in compile diagnostics.")
    public String fileName;
}
