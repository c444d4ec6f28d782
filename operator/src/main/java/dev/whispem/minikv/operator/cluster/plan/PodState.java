package dev.whispem.minikv.operator.cluster.plan;

import dev.whispem.minikv.operator.cluster.NodeRole;

/**
 * One node pod as the planners need it. {@code updated}: it runs its StatefulSet's current template
 * revision.
 */
public record PodState(
        String name,
        NodeRole role,
        int ordinal,
        boolean ready,
        boolean updated,
        boolean terminating) {}
