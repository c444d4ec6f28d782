package dev.whispem.minikv.operator.job;

import java.util.Optional;

/**
 * The Job and its pods as the observer read them. {@code exitCode}: of the most recent finished
 * pod; {@code lastPod}: the most recent pod, whose log holds the output.
 */
public record ObservedJob(
        boolean exists,
        int active,
        int succeeded,
        int failed,
        boolean complete,
        boolean failedCondition,
        String failureReason,
        boolean suspended,
        String startTime,
        String completionTime,
        Optional<Integer> exitCode,
        Optional<String> lastPod) {

    public static ObservedJob absent() {
        return new ObservedJob(
                false,
                0,
                0,
                0,
                false,
                false,
                null,
                false,
                null,
                null,
                Optional.empty(),
                Optional.empty());
    }

    public int attempts() {
        return active + succeeded + failed;
    }
}
