package dev.whispem.minikv.operator.dependent;

import static dev.whispem.minikv.operator.Constants.*;

import dev.whispem.minikv.operator.crd.v1alpha1.WhispemJob;
import dev.whispem.minikv.operator.crd.v1alpha1.WhispemJobSpec;
import dev.whispem.minikv.operator.job.JobNames;
import dev.whispem.minikv.operator.job.ResolvedProgram;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import java.util.ArrayList;
import java.util.List;

/**
 * Job {@code j}: runs {@code wvm /program/program.whbc ARGS} in the whispem-runtime image. A Job's
 * pod template is immutable, and so is the WhispemJob's program, so the only change ever applied
 * after creation is {@code suspend}.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Selectors.MANAGED))
public class ProgramJob extends KubernetesDependentResource<Job, WhispemJob>
        implements Creator<Job, WhispemJob>,
                Updater<Job, WhispemJob>,
                GarbageCollected<WhispemJob> {
    public static final String NAME = "program-job";
    static final String PROGRAM_VOLUME = "program";

    public ProgramJob() {
        super(Job.class);
    }

    @Override
    protected Job desired(WhispemJob job, Context<WhispemJob> context) {
        WhispemJobSpec spec = job.getSpec();
        ResolvedProgram program = ResolvedProgram.from(context);
        List<String> command = new ArrayList<>(List.of("wvm", PROGRAM_DIR + "/" + PROGRAM_FILE));
        command.addAll(spec.args);
        return new JobBuilder()
                .withNewMetadata()
                .withName(JobNames.job(job))
                .withNamespace(job.getMetadata().getNamespace())
                .withLabels(JobNames.labels(job))
                .addToAnnotations(ProgramConfigMap.SHA_ANNOTATION, program.sha256())
                .endMetadata()
                .withNewSpec()
                .withBackoffLimit(spec.backoffLimit)
                .withActiveDeadlineSeconds(spec.activeDeadlineSeconds)
                .withTtlSecondsAfterFinished(spec.ttlSecondsAfterFinished)
                .withSuspend(spec.suspend)
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(JobNames.labels(job))
                .endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withAutomountServiceAccountToken(false)
                .addNewContainer()
                .withName("wvm")
                .withImage(spec.image)
                .withImagePullPolicy("IfNotPresent")
                .withCommand(command)
                .withEnv(env(program))
                .withResources(spec.resources)
                .addNewVolumeMount()
                .withName(PROGRAM_VOLUME)
                .withMountPath(PROGRAM_DIR)
                .withReadOnly(true)
                .endVolumeMount()
                .withNewSecurityContext()
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                .withRunAsNonRoot(true)
                .withRunAsUser(1001L)
                .withNewCapabilities()
                .withDrop("ALL")
                .endCapabilities()
                .endSecurityContext()
                .endContainer()
                .addNewVolume()
                .withName(PROGRAM_VOLUME)
                .withNewConfigMap()
                .withName(JobNames.configMap(job))
                .endConfigMap()
                .endVolume()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    private static List<EnvVar> env(ResolvedProgram program) {
        if (program.kv() == null) {
            return List.of();
        }
        return List.of(
                new EnvVar(ENV_MINIKV_URL, program.kv().url(), null),
                new EnvVarBuilder()
                        .withName(ENV_MINIKV_TOKEN)
                        .withNewValueFrom()
                        .withNewSecretKeyRef()
                        .withName(program.kv().tokenSecret())
                        .withKey(program.kv().tokenKey())
                        .endSecretKeyRef()
                        .endValueFrom()
                        .build());
    }

    /** Only suspend can change on an existing Job. */
    @Override
    public Matcher.Result<Job> match(Job actual, WhispemJob job, Context<WhispemJob> context) {
        boolean actualSuspend = Boolean.TRUE.equals(actual.getSpec().getSuspend());
        return Matcher.Result.nonComputed(actualSuspend == job.getSpec().suspend);
    }

    @Override
    public Job update(Job actual, Job desired, WhispemJob job, Context<WhispemJob> context) {
        return context.getClient()
                .batch()
                .v1()
                .jobs()
                .resource(actual)
                .edit(
                        j -> {
                            j.getSpec().setSuspend(desired.getSpec().getSuspend());
                            return j;
                        });
    }
}
