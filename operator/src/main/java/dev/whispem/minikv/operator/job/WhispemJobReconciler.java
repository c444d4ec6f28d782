package dev.whispem.minikv.operator.job;

import static dev.whispem.minikv.operator.Constants.*;

import dev.whispem.minikv.operator.OwnedPodsEventSource;
import dev.whispem.minikv.operator.cluster.ClusterNames;
import dev.whispem.minikv.operator.cluster.Conditions;
import dev.whispem.minikv.operator.crd.v1alpha1.MiniKVCluster;
import dev.whispem.minikv.operator.crd.v1alpha1.WhispemJob;
import dev.whispem.minikv.operator.crd.v1alpha1.WhispemJobStatus;
import dev.whispem.minikv.operator.crd.v1alpha1.WhispemJobStatus.Phase;
import dev.whispem.minikv.operator.crd.v1alpha1.job.KvClusterRef;
import dev.whispem.minikv.operator.crd.v1alpha1.job.ProgramSpec;
import dev.whispem.minikv.operator.dependent.ProgramConfigMap;
import dev.whispem.minikv.operator.dependent.ProgramJob;
import dev.whispem.minikv.operator.events.EventRecorder;
import dev.whispem.runtime.CompileResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Runs a WhispemJob, Flink-style: the observer reads the Job and its pods into the status; the
 * reconciler acts on the spec and the observed phase. Compile errors stop everything before any
 * object is created; a finished job is only observed.
 */
@ControllerConfiguration(name = WhispemJobReconciler.NAME)
@Workflow(
        explicitInvocation = true,
        dependents = {
            @Dependent(name = ProgramConfigMap.NAME, type = ProgramConfigMap.class),
            @Dependent(
                    name = ProgramJob.NAME,
                    type = ProgramJob.class,
                    dependsOn = ProgramConfigMap.NAME),
        })
public class WhispemJobReconciler implements Reconciler<WhispemJob> {
    public static final String NAME = "whispemjob";
    static final int OUTPUT_LINES = 20;
    static final int OUTPUT_MAX_CHARS = 4096;

    @Inject ProgramCompiler compiler;
    @Inject PodLogReader logs;
    @Inject EventRecorder events;

    @Override
    public List<EventSource<?, WhispemJob>> prepareEventSources(
            EventSourceContext<WhispemJob> context) {
        return List.of(
                OwnedPodsEventSource.create(
                        "job-pods", APP_WHISPEM_JOB, WhispemJob.class, context));
    }

    @Override
    public UpdateControl<WhispemJob> reconcile(WhispemJob wj, Context<WhispemJob> context) {
        WhispemJobStatus previous = wj.getStatus();
        Phase previousPhase = previous == null ? null : previous.phase;
        WhispemJobStatus status = new WhispemJobStatus();
        status.observedGeneration = wj.getMetadata().getGeneration();
        Conditions conditions =
                new Conditions(
                        previous == null ? null : previous.conditions,
                        wj.getMetadata().getGeneration(),
                        Instant.now());

        Outcome outcome = resolve(wj, context);
        if (outcome instanceof Outcome.Invalid invalid) {
            status.phase = invalid.phase();
            status.compileErrors = invalid.errors();
            conditions.set("Compiled", false, invalid.reason(), invalid.message());
            status.conditions = conditions.build();
            if (previousPhase != status.phase) {
                events.warning(wj, invalid.reason(), invalid.message());
            }
            wj.setStatus(status);
            return UpdateControl.patchStatus(wj).rescheduleAfter(Duration.ofSeconds(30));
        }
        ResolvedProgram program = ((Outcome.Resolved) outcome).program();
        status.bytecodeSha256 = program.sha256();
        status.programConfigMap = JobNames.configMap(wj);
        status.jobName = JobNames.job(wj);
        conditions.set(
                "Compiled", true, "Compiled", program.bytecode().length + " bytes of bytecode");

        boolean finished = previousPhase != null && previousPhase.finished();
        if (!finished) {
            program.storeIn(context);
            context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
        }

        Optional<Job> job =
                context.getSecondaryResourcesAsStream(Job.class)
                        .filter(j -> j.getMetadata().getName().equals(JobNames.job(wj)))
                        .findFirst();
        ObservedJob observed =
                JobObserver.observe(job, context.getSecondaryResourcesAsStream(Pod.class).toList());
        Phase phase =
                finished && !observed.exists()
                        ? previousPhase
                        : JobPhases.phase(wj.getSpec().suspend, observed);
        status.phase = phase;
        status.attempts =
                observed.exists()
                        ? observed.attempts()
                        : previous == null ? null : previous.attempts;
        status.startTime =
                firstNonNull(observed.startTime(), previous == null ? null : previous.startTime);
        status.completionTime =
                firstNonNull(
                        observed.completionTime(),
                        previous == null ? null : previous.completionTime);
        status.exitCode = observed.exitCode().orElse(previous == null ? null : previous.exitCode);
        status.output = previous == null ? null : previous.output;
        if ((phase.finished() || phase == Phase.Running) && observed.lastPod().isPresent()) {
            logs.tail(wj.getMetadata().getNamespace(), observed.lastPod().get(), OUTPUT_LINES)
                    .map(WhispemJobReconciler::trim)
                    .ifPresent(output -> status.output = output);
        }
        conditions.set(
                "Complete",
                phase == Phase.Succeeded,
                phase == Phase.Succeeded ? "Succeeded" : phase.name(),
                "");
        conditions.set(
                "Failed",
                phase == Phase.Failed,
                phase == Phase.Failed
                        ? firstNonNull(observed.failureReason(), "Failed")
                        : "NotFailed",
                phase == Phase.Failed && status.exitCode != null
                        ? "exit code " + status.exitCode
                        : "");
        conditions.set(
                "Suspended",
                phase == Phase.Suspended,
                phase == Phase.Suspended ? "Suspended" : "NotSuspended",
                "");
        status.conditions = conditions.build();

        if (previousPhase != phase) {
            String message =
                    "phase "
                            + (previousPhase == null ? "-" : previousPhase)
                            + " -> "
                            + phase
                            + (status.exitCode != null && phase.finished()
                                    ? " (exit code " + status.exitCode + ")"
                                    : "");
            if (phase == Phase.Failed) {
                events.warning(wj, phase.name(), message);
            } else {
                events.normal(wj, phase.name(), message);
            }
        }
        wj.setStatus(status);
        UpdateControl<WhispemJob> control = UpdateControl.patchStatus(wj);
        return phase.finished() ? control : control.rescheduleAfter(Duration.ofSeconds(30));
    }

    /** The program's bytecode and cluster access, or why there is none. */
    sealed interface Outcome {
        record Resolved(ResolvedProgram program) implements Outcome {}

        record Invalid(
                Phase phase,
                String reason,
                String message,
                List<WhispemJobStatus.CompileError> errors)
                implements Outcome {}
    }

    private Outcome resolve(WhispemJob wj, Context<WhispemJob> context) {
        ProgramSpec program = wj.getSpec().program;
        String fileName =
                program.fileName != null ? program.fileName : wj.getMetadata().getName() + ".wsp";
        byte[] bytecode;
        if (program.bytecode != null) {
            try {
                bytecode = Base64.getDecoder().decode(program.bytecode);
            } catch (IllegalArgumentException e) {
                return new Outcome.Invalid(
                        Phase.CompileFailed,
                        "InvalidBytecode",
                        "program.bytecode is not base64: " + e.getMessage(),
                        null);
            }
        } else {
            String source = program.source;
            if (source == null && program.sourceFrom != null) {
                ConfigMap configMap =
                        context.getClient()
                                .configMaps()
                                .inNamespace(wj.getMetadata().getNamespace())
                                .withName(program.sourceFrom.getName())
                                .get();
                source =
                        configMap == null || configMap.getData() == null
                                ? null
                                : configMap.getData().get(program.sourceFrom.getKey());
                if (source == null) {
                    return new Outcome.Invalid(
                            Phase.Pending,
                            "SourceNotFound",
                            "ConfigMap "
                                    + program.sourceFrom.getName()
                                    + " has no key "
                                    + program.sourceFrom.getKey(),
                            null);
                }
            }
            if (source == null) {
                return new Outcome.Invalid(
                        Phase.CompileFailed, "NoProgram", "the spec names no program", null);
            }
            CompileResult result = compiler.compile(fileName, source);
            if (result instanceof CompileResult.Failed failed) {
                List<WhispemJobStatus.CompileError> errors =
                        failed.diagnostics().stream()
                                .map(
                                        d ->
                                                new WhispemJobStatus.CompileError(
                                                        d.line(), d.column(), d.message()))
                                .toList();
                String message =
                        String.join(
                                "; ",
                                failed.diagnostics().stream()
                                        .map(d -> d.format(fileName))
                                        .toList());
                return new Outcome.Invalid(Phase.CompileFailed, "CompileError", message, errors);
            }
            bytecode = ((CompileResult.Compiled) result).bytecode();
        }
        KvClusterRef ref = wj.getSpec().kvClusterRef;
        ResolvedProgram.KvAccess kv = null;
        if (ref != null) {
            MiniKVCluster cluster =
                    context.getClient()
                            .resources(MiniKVCluster.class)
                            .inNamespace(wj.getMetadata().getNamespace())
                            .withName(ref.name)
                            .get();
            if (cluster == null) {
                return new Outcome.Invalid(
                        Phase.Pending,
                        "KvClusterNotFound",
                        "MiniKVCluster " + ref.name + " does not exist",
                        null);
            }
            kv =
                    ref.tokenSecretKeyRef != null
                            ? new ResolvedProgram.KvAccess(
                                    ClusterNames.clientEndpoint(cluster),
                                    ref.tokenSecretKeyRef.getName(),
                                    ref.tokenSecretKeyRef.getKey())
                            : new ResolvedProgram.KvAccess(
                                    ClusterNames.clientEndpoint(cluster),
                                    ClusterNames.authSecret(cluster),
                                    "job-token");
        }
        return new Outcome.Resolved(ResolvedProgram.of(bytecode, kv));
    }

    static String trim(String log) {
        return log.length() <= OUTPUT_MAX_CHARS
                ? log
                : log.substring(log.length() - OUTPUT_MAX_CHARS);
    }

    private static <T> T firstNonNull(T a, T b) {
        return a != null ? a : b;
    }
}
