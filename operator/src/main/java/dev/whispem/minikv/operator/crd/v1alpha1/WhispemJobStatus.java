package dev.whispem.minikv.operator.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class WhispemJobStatus {
    public enum Phase {
        Pending,
        CompileFailed,
        Running,
        Succeeded,
        Failed,
        Suspended;

        public boolean finished() {
            return this == Succeeded || this == Failed || this == CompileFailed;
        }
    }

    @JsonPropertyDescription("The metadata.generation this status describes.")
    public Long observedGeneration;

    @JsonPropertyDescription("Pending, CompileFailed, Running, Succeeded, Failed or Suspended.")
    public Phase phase;

    @JsonPropertyDescription("Compiled, Complete, Failed and Suspended conditions.")
    public List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("Compile errors with their position in the source.")
    public List<CompileError> compileErrors;

    @JsonPropertyDescription("SHA-256 of the bytecode the job runs, hex.")
    public String bytecodeSha256;

    @JsonPropertyDescription("The ConfigMap holding the bytecode.")
    public String programConfigMap;

    @JsonPropertyDescription("The batch/v1 Job running the program.")
    public String jobName;

    @JsonPropertyDescription("Pods started so far (each failed run is retried up to backoffLimit).")
    public Integer attempts;

    @JsonPropertyDescription("When the first pod started (RFC 3339).")
    public String startTime;

    @JsonPropertyDescription("When the job finished (RFC 3339).")
    public String completionTime;

    @JsonPropertyDescription("Exit code of the last finished run.")
    public Integer exitCode;

    @JsonPropertyDescription("The last lines the program printed.")
    public String output;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class CompileError {
        @JsonPropertyDescription("1-based line.")
        public int line;

        @JsonPropertyDescription("1-based column.")
        public int column;

        @JsonPropertyDescription("What is wrong.")
        public String message;

        public CompileError() {}

        public CompileError(int line, int column, String message) {
            this.line = line;
            this.column = column;
            this.message = message;
        }
    }
}
