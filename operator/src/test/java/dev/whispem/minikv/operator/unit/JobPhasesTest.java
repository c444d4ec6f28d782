package dev.whispem.minikv.operator.unit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whispem.minikv.operator.crd.v1alpha1.WhispemJobStatus.Phase;
import dev.whispem.minikv.operator.job.JobObserver;
import dev.whispem.minikv.operator.job.JobPhases;
import dev.whispem.minikv.operator.job.ObservedJob;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JobPhasesTest {

    static ObservedJob job(
            int active,
            int succeeded,
            int failed,
            boolean complete,
            boolean failedCondition,
            boolean suspended) {
        return new ObservedJob(
                true,
                active,
                succeeded,
                failed,
                complete,
                failedCondition,
                failedCondition ? "BackoffLimitExceeded" : null,
                suspended,
                null,
                null,
                Optional.empty(),
                Optional.empty());
    }

    @Test
    void noJobYetIsPending() {
        assertThat(JobPhases.phase(false, ObservedJob.absent())).isEqualTo(Phase.Pending);
    }

    @Test
    void activePodIsRunning() {
        assertThat(JobPhases.phase(false, job(1, 0, 1, false, false, false)))
                .isEqualTo(Phase.Running);
    }

    @Test
    void betweenAttemptsIsPending() {
        assertThat(JobPhases.phase(false, job(0, 0, 1, false, false, false)))
                .isEqualTo(Phase.Pending);
    }

    @Test
    void completeAndFailedConditionsWin() {
        assertThat(JobPhases.phase(false, job(0, 1, 1, true, false, false)))
                .isEqualTo(Phase.Succeeded);
        assertThat(JobPhases.phase(false, job(0, 0, 3, false, true, false)))
                .isEqualTo(Phase.Failed);
        assertThat(JobPhases.phase(true, job(0, 1, 0, true, false, false)))
                .as("finished beats suspend")
                .isEqualTo(Phase.Succeeded);
    }

    @Test
    void suspendFromSpecOrJob() {
        assertThat(JobPhases.phase(true, ObservedJob.absent())).isEqualTo(Phase.Suspended);
        assertThat(JobPhases.phase(false, job(0, 0, 0, false, false, true)))
                .isEqualTo(Phase.Suspended);
    }

    @Test
    void observerReadsCountsConditionsAndTheNewestExitCode() {
        var k8sJob =
                new JobBuilder()
                        .withNewMetadata()
                        .withName("j")
                        .endMetadata()
                        .withNewStatus()
                        .withFailed(1)
                        .withSucceeded(1)
                        .withStartTime("2026-01-01T00:00:00Z")
                        .addNewCondition()
                        .withType("Complete")
                        .withStatus("True")
                        .endCondition()
                        .endStatus()
                        .build();
        var first =
                new PodBuilder()
                        .withNewMetadata()
                        .withName("j-0")
                        .withCreationTimestamp("2026-01-01T00:00:00Z")
                        .endMetadata()
                        .withNewStatus()
                        .addNewContainerStatus()
                        .withNewState()
                        .withNewTerminated()
                        .withExitCode(2)
                        .endTerminated()
                        .endState()
                        .endContainerStatus()
                        .endStatus()
                        .build();
        var second =
                new PodBuilder()
                        .withNewMetadata()
                        .withName("j-1")
                        .withCreationTimestamp("2026-01-01T00:01:00Z")
                        .endMetadata()
                        .withNewStatus()
                        .addNewContainerStatus()
                        .withNewState()
                        .withNewTerminated()
                        .withExitCode(0)
                        .endTerminated()
                        .endState()
                        .endContainerStatus()
                        .endStatus()
                        .build();
        ObservedJob observed = JobObserver.observe(Optional.of(k8sJob), List.of(first, second));
        assertThat(observed.attempts()).isEqualTo(2);
        assertThat(observed.complete()).isTrue();
        assertThat(observed.exitCode()).contains(0);
        assertThat(observed.lastPod()).contains("j-1");
        assertThat(JobPhases.phase(false, observed)).isEqualTo(Phase.Succeeded);
    }
}
