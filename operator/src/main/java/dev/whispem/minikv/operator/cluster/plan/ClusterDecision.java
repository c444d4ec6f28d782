package dev.whispem.minikv.operator.cluster.plan;

import dev.whispem.minikv.operator.cluster.ClusterPlan;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of planning one pass: StatefulSet sizes, at most one admin or pod action, the
 * operation in progress with a message, and the volume servers being drained.
 */
public record ClusterDecision(
        ClusterPlan sizes,
        Optional<Action> action,
        Operation operation,
        String message,
        List<String> draining) {

    public ClusterDecision {
        draining = List.copyOf(draining);
    }

    static ClusterDecision of(ClusterPlan sizes, Operation operation, String message) {
        return new ClusterDecision(sizes, Optional.empty(), operation, message, List.of());
    }

    ClusterDecision with(Action action) {
        return new ClusterDecision(
                sizes, Optional.of(action), operation, action.describe(), draining);
    }

    ClusterDecision withDraining(List<String> members) {
        return new ClusterDecision(sizes, action, operation, message, members);
    }
}
