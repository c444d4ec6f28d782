package dev.whispem.minikv.operator.cluster.plan;

import dev.whispem.minikv.operator.admin.ClusterReport;
import dev.whispem.minikv.operator.cluster.ClusterNames;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Scale-down of volume servers, drain first. The servers to remove (the highest ordinals) are
 * drained through the admin API until the coordinators report them drained (draining, no shard
 * replica left: what the drain call answers as {@code drained}); then the StatefulSet shrinks, and
 * once their pods are gone they are removed from the membership. Removal comes last because a
 * running volume server's heartbeat would register it again, as a new, empty server.
 *
 * <p>Without the admin API nothing shrinks: data safety over progress.
 *
 * <p>A drain cannot be undone on the node: a server the spec keeps (ordinal below the target) that
 * is draining — a scale-down cancelled half-way — finishes its drain, is removed, and rejoins empty
 * through its next heartbeat.
 */
public final class ScaleDownPlanner {
    private ScaleDownPlanner() {}

    /**
     * What to do for a volume StatefulSet of {@code current} pods when the spec wants {@code
     * target}.
     */
    public static Step plan(String statefulSet, int current, int target, ObservedCluster observed) {
        Optional<ClusterReport> report = observed.report();
        if (report.isEmpty()) {
            if (target >= current) {
                return new Step(target, Optional.empty(), List.of(), "");
            }
            List<String> leaving = ordinals(statefulSet, target, current);
            return new Step(
                    current,
                    Optional.empty(),
                    leaving,
                    "admin API unavailable: cannot confirm the drain of "
                            + String.join(", ", leaving));
        }
        List<ClusterReport.Volume> mine =
                report.get().volumes().stream()
                        .filter(v -> isPodOf(statefulSet, v.member()))
                        .sorted(
                                Comparator.comparingInt(
                                                (ClusterReport.Volume v) ->
                                                        ClusterNames.ordinal(v.member()))
                                        .reversed())
                        .toList();
        List<ClusterReport.Volume> members =
                mine.stream().filter(v -> ClusterNames.ordinal(v.member()) >= target).toList();
        Set<String> leavingSet = new LinkedHashSet<>();
        members.forEach(v -> leavingSet.add(v.member()));
        if (current > target) {
            leavingSet.addAll(ordinals(statefulSet, target, current));
        }
        List<String> leaving =
                leavingSet.stream()
                        .sorted(Comparator.comparingInt(ClusterNames::ordinal).reversed())
                        .toList();

        List<String> toDrain =
                members.stream()
                        .filter(v -> !v.drained())
                        .map(ClusterReport.Volume::member)
                        .toList();
        if (!toDrain.isEmpty()) {
            int remaining = members.stream().mapToInt(ClusterReport.Volume::shards).sum();
            return new Step(
                    Math.max(current, target),
                    Optional.of(new Action.DrainVolumes(toDrain)),
                    leaving,
                    "draining "
                            + String.join(", ", toDrain)
                            + " ("
                            + remaining
                            + " shard replicas to move)");
        }
        if (current > target) {
            return new Step(
                    target,
                    Optional.empty(),
                    leaving,
                    "stopping drained "
                            + String.join(", ", leaving)
                            + ": shrinking "
                            + statefulSet
                            + " to "
                            + target);
        }
        if (!members.isEmpty()) {
            List<String> stopped =
                    members.stream()
                            .map(ClusterReport.Volume::member)
                            .filter(m -> observed.pod(m).isEmpty())
                            .toList();
            if (stopped.isEmpty()) {
                return new Step(
                        target,
                        Optional.empty(),
                        leaving,
                        "waiting for " + String.join(", ", leaving) + " to stop");
            }
            return new Step(
                    target,
                    Optional.of(new Action.RemoveVolumes(stopped)),
                    leaving,
                    "removing drained " + String.join(", ", stopped));
        }
        List<ClusterReport.Volume> kept =
                mine.stream()
                        .filter(v -> ClusterNames.ordinal(v.member()) < target && v.draining())
                        .toList();
        if (!kept.isEmpty()) {
            List<String> names = kept.stream().map(ClusterReport.Volume::member).toList();
            List<String> drained =
                    kept.stream()
                            .filter(ClusterReport.Volume::drained)
                            .map(ClusterReport.Volume::member)
                            .toList();
            if (drained.isEmpty()) {
                return new Step(
                        target,
                        Optional.empty(),
                        names,
                        "scale-down cancelled: "
                                + String.join(", ", names)
                                + " finish draining, then rejoin");
            }
            return new Step(
                    target,
                    Optional.of(new Action.RemoveVolumes(drained)),
                    names,
                    "scale-down cancelled: "
                            + String.join(", ", drained)
                            + " removed to rejoin empty");
        }
        return new Step(target, Optional.empty(), List.of(), "");
    }

    private static List<String> ordinals(String statefulSet, int from, int to) {
        return IntStream.range(from, to)
                .mapToObj(i -> ClusterNames.pod(statefulSet, i))
                .toList()
                .reversed();
    }

    static boolean isPodOf(String statefulSet, String member) {
        String prefix = statefulSet + "-";
        return member.length() > prefix.length()
                && member.startsWith(prefix)
                && member.substring(prefix.length()).chars().allMatch(Character::isDigit);
    }

    /**
     * Volume StatefulSet size for this pass, an action if any, the servers leaving (or draining
     * before they rejoin), and why.
     */
    public record Step(
            int volumeReplicas, Optional<Action> action, List<String> leaving, String message) {}
}
