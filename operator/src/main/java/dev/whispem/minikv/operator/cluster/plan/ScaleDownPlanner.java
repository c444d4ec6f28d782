package dev.whispem.minikv.operator.cluster.plan;

import dev.whispem.minikv.operator.admin.ClusterReport;
import dev.whispem.minikv.operator.cluster.ClusterNames;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Scale-down of volume servers, drain first: the servers to remove (the highest ordinals) are
 * drained through the admin API, then removed from the membership, and only then does the
 * StatefulSet shrink. Without the admin API nothing shrinks: data safety over progress.
 */
public final class ScaleDownPlanner {
    private ScaleDownPlanner() {}

    /**
     * What to do for a volume StatefulSet of {@code current} pods when the spec wants {@code
     * target}.
     */
    public static Step plan(
            String statefulSet, int current, int target, Optional<ClusterReport> report) {
        if (target >= current) {
            return new Step(target, Optional.empty(), List.of(), "");
        }
        List<String> leaving =
                IntStream.range(target, current)
                        .mapToObj(i -> ClusterNames.pod(statefulSet, i))
                        .toList()
                        .reversed();
        if (report.isEmpty()) {
            return new Step(
                    current,
                    Optional.empty(),
                    leaving,
                    "admin API unavailable: cannot confirm the drain of "
                            + String.join(", ", leaving));
        }
        List<ClusterReport.Volume> members =
                leaving.stream().flatMap(m -> report.get().volume(m).stream()).toList();
        List<String> toDrain =
                members.stream()
                        .filter(v -> !v.draining() || v.shards() > 0)
                        .map(ClusterReport.Volume::member)
                        .toList();
        if (!toDrain.isEmpty()) {
            int remaining = members.stream().mapToInt(ClusterReport.Volume::shards).sum();
            return new Step(
                    current,
                    Optional.of(new Action.DrainVolumes(toDrain)),
                    leaving,
                    "draining "
                            + String.join(", ", toDrain)
                            + " ("
                            + remaining
                            + " shard replicas to move)");
        }
        if (!members.isEmpty()) {
            List<String> drained = members.stream().map(ClusterReport.Volume::member).toList();
            return new Step(
                    current,
                    Optional.of(new Action.RemoveVolumes(drained)),
                    leaving,
                    "removing drained " + String.join(", ", drained));
        }
        return new Step(
                target, Optional.empty(), List.of(), "shrinking " + statefulSet + " to " + target);
    }

    /** Volume StatefulSet size for this pass, an action if any, the servers leaving, and why. */
    public record Step(
            int volumeReplicas, Optional<Action> action, List<String> leaving, String message) {}
}
