package dev.whispem.minikv.operator.cluster.plan;

import dev.whispem.minikv.operator.admin.ClusterReport;
import dev.whispem.minikv.operator.cluster.ClusterNames;
import dev.whispem.minikv.operator.cluster.NodeRole;
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
 * <p>A scale-down cancelled half-way (the spec grows back) leaves servers the spec keeps (ordinal
 * below the target) draining. Their drains are cancelled ({@link Action.CancelDrains}, before
 * anything else: every pass they keep draining moves data that would only have to come back) and
 * they keep the shard replicas they still hold. A server whose drain has finished (draining, no
 * shard left) is not un-drained but removed, and rejoins empty through its next heartbeat: it holds
 * nothing, so cancelling would save no data move, and removal also serves the case where the shrink
 * already stopped its pod (and, with {@code whenScaled: Delete}, dropped its disk), where the
 * server has to come back as a new member anyway; one path for every drained kept server, on every
 * node version.
 *
 * <p>Where drains cannot be cancelled, a kept server that is draining finishes its drain, is
 * removed and rejoins empty (the only way before the node had the call): when the cluster answered
 * the call with a 404 or 405 ({@link ObservedCluster#canCancelDrains()}), and while a coordinator
 * pod is not on its StatefulSet's latest revision (an upgrade under way): a coordinator of a
 * version without the call ignores a cancel that a newer leader accepted until it restarts on the
 * new version, and, were it to become leader, would go on draining. Once they all run the latest
 * revision, they either all apply a cancel or the leader refuses it with a 405. (The roll waits for
 * the scale-down, so such a server drains to the end, as it did before the call existed.)
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
        List<ClusterReport.Volume> kept =
                mine.stream()
                        .filter(v -> ClusterNames.ordinal(v.member()) < target && v.draining())
                        .toList();
        Step step = leave(statefulSet, current, target, observed, members, kept);
        if (!canCancelDrains(observed)) {
            return step;
        }
        List<ClusterReport.Volume> stillDraining = kept.stream().filter(v -> !v.drained()).toList();
        if (stillDraining.isEmpty()) {
            return step;
        }
        List<String> cancel = stillDraining.stream().map(ClusterReport.Volume::member).toList();
        // The size of the StatefulSet follows the servers leaving; only the action waits a pass.
        Set<String> draining = new LinkedHashSet<>(step.leaving());
        draining.addAll(cancel);
        int staying = stillDraining.stream().mapToInt(ClusterReport.Volume::shards).sum();
        return new Step(
                step.volumeReplicas(),
                Optional.of(new Action.CancelDrains(cancel)),
                sortedByOrdinalDescending(draining),
                "scale-down cancelled: cancelling the drain of "
                        + String.join(", ", cancel)
                        + " ("
                        + staying
                        + " shard replicas stay)");
    }

    /**
     * Whether the drains of kept servers are to be cancelled: the cluster did not refuse the call,
     * and every coordinator pod runs the latest revision (see the class comment).
     */
    private static boolean canCancelDrains(ObservedCluster observed) {
        return observed.canCancelDrains()
                && observed.pods(NodeRole.COORDINATOR).stream().allMatch(PodState::updated);
    }

    /**
     * The servers at or above the target leave: drain, shrink, remove. Then, where drains are not
     * cancelled, the kept servers that were draining: they finish, are removed and rejoin.
     */
    private static Step leave(
            String statefulSet,
            int current,
            int target,
            ObservedCluster observed,
            List<ClusterReport.Volume> members,
            List<ClusterReport.Volume> kept) {
        Set<String> leavingSet = new LinkedHashSet<>();
        members.forEach(v -> leavingSet.add(v.member()));
        if (current > target) {
            leavingSet.addAll(ordinals(statefulSet, target, current));
        }
        List<String> leaving = sortedByOrdinalDescending(leavingSet);
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

    private static List<String> sortedByOrdinalDescending(Set<String> members) {
        return members.stream()
                .sorted(Comparator.comparingInt(ClusterNames::ordinal).reversed())
                .toList();
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
     * Volume StatefulSet size for this pass, an action if any, the servers leaving (or kept servers
     * still draining: until their drain is cancelled, or until they rejoin), and why.
     */
    public record Step(
            int volumeReplicas, Optional<Action> action, List<String> leaving, String message) {}
}
