package dev.whispem.minikv.operator.cluster;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Typed status conditions: each carries the generation it describes, and its lastTransitionTime
 * changes only when its status does (it is carried forward from the previous status otherwise).
 */
public final class Conditions {
    public static final String READY = "Ready";
    public static final String PROGRESSING = "Progressing";
    public static final String DEGRADED = "Degraded";

    private final List<Condition> previous;
    private final long generation;
    private final Instant now;
    private final List<Condition> result = new ArrayList<>();

    public Conditions(List<Condition> previous, long generation, Instant now) {
        this.previous = previous == null ? List.of() : previous;
        this.generation = generation;
        this.now = now;
    }

    public Conditions set(String type, boolean status, String reason, String message) {
        String value = status ? "True" : "False";
        String transition =
                previous.stream()
                        .filter(c -> type.equals(c.getType()) && value.equals(c.getStatus()))
                        .map(Condition::getLastTransitionTime)
                        .filter(Objects::nonNull)
                        .findFirst()
                        .orElse(now.toString());
        result.removeIf(c -> type.equals(c.getType()));
        result.add(
                new ConditionBuilder()
                        .withType(type)
                        .withStatus(value)
                        .withReason(reason)
                        .withMessage(message)
                        .withObservedGeneration(generation)
                        .withLastTransitionTime(transition)
                        .build());
        return this;
    }

    public List<Condition> build() {
        return List.copyOf(result);
    }

    /** The condition of this type in a list, if present. */
    public static java.util.Optional<Condition> find(List<Condition> conditions, String type) {
        return conditions == null
                ? java.util.Optional.empty()
                : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    public static boolean isTrue(List<Condition> conditions, String type) {
        return find(conditions, type).map(c -> "True".equals(c.getStatus())).orElse(false);
    }
}
