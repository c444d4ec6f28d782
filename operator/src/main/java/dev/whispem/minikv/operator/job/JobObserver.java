package dev.whispem.minikv.operator.job;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Reads a Job and its pods (from the informers' caches) into an {@link ObservedJob}. */
public final class JobObserver {
    private JobObserver() {}

    public static ObservedJob observe(Optional<Job> job, List<Pod> pods) {
        if (job.isEmpty()) {
            return ObservedJob.absent();
        }
        var status = job.get().getStatus();
        List<JobCondition> conditions =
                status == null || status.getConditions() == null
                        ? List.of()
                        : status.getConditions();
        Optional<JobCondition> failed = condition(conditions, "Failed");
        List<Pod> newestFirst =
                pods.stream()
                        .sorted(
                                Comparator.comparing(
                                                (Pod p) ->
                                                        String.valueOf(
                                                                p.getMetadata()
                                                                        .getCreationTimestamp()))
                                        .thenComparing(p -> p.getMetadata().getName())
                                        .reversed())
                        .toList();
        Optional<Integer> exitCode =
                newestFirst.stream()
                        .map(JobObserver::terminatedExitCode)
                        .flatMap(Optional::stream)
                        .findFirst();
        return new ObservedJob(
                true,
                count(status == null ? null : status.getActive()),
                count(status == null ? null : status.getSucceeded()),
                count(status == null ? null : status.getFailed()),
                condition(conditions, "Complete").isPresent(),
                failed.isPresent(),
                failed.map(JobCondition::getReason).orElse(null),
                condition(conditions, "Suspended").isPresent(),
                status == null ? null : status.getStartTime(),
                status == null ? null : status.getCompletionTime(),
                exitCode,
                newestFirst.stream().findFirst().map(p -> p.getMetadata().getName()));
    }

    private static Optional<JobCondition> condition(List<JobCondition> conditions, String type) {
        return conditions.stream()
                .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
                .findFirst();
    }

    private static Optional<Integer> terminatedExitCode(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getContainerStatuses().stream()
                .map(ContainerStatus::getState)
                .filter(s -> s != null && s.getTerminated() != null)
                .map(s -> s.getTerminated().getExitCode())
                .findFirst();
    }

    private static int count(Integer value) {
        return value == null ? 0 : value;
    }
}
