package dev.whispem.minikv.operator.cluster;

import dev.whispem.minikv.operator.admin.ClusterReport;
import dev.whispem.minikv.operator.cluster.plan.ClusterDecision;
import dev.whispem.minikv.operator.cluster.plan.ObservedCluster;
import dev.whispem.minikv.operator.cluster.plan.Operation;
import dev.whispem.minikv.operator.cluster.plan.PodState;
import dev.whispem.minikv.operator.crd.v1alpha1.MiniKVClusterStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Turns what was observed and decided into the status: counts, leader, shard placement, and the
 * Ready / Progressing / Degraded conditions with carried-forward transition times.
 */
public final class StatusAggregator {
    private StatusAggregator() {}

    public record Input(
            long generation,
            MiniKVClusterStatus previous,
            int coordinators,
            int volumes,
            String version,
            String clientEndpoint,
            boolean paused,
            ObservedCluster observed,
            ClusterDecision decision,
            Instant now) {}

    public static MiniKVClusterStatus aggregate(Input in) {
        MiniKVClusterStatus status = new MiniKVClusterStatus();
        ObservedCluster observed = in.observed();
        Optional<ClusterReport> report = observed.report();
        int readyCoordinators = (int) observed.readyPods(NodeRole.COORDINATOR);
        int readyVolumes = (int) observed.readyPods(NodeRole.VOLUME);

        status.observedGeneration = in.generation();
        status.readyCoordinators = readyCoordinators;
        status.readyVolumes = readyVolumes;
        status.coordinators = readyCoordinators + "/" + in.coordinators();
        status.volumes = readyVolumes + "/" + in.volumes();
        status.clientEndpoint = in.clientEndpoint();
        status.leader = report.map(ClusterReport::leader).orElse(null);
        status.draining = in.decision().draining().isEmpty() ? null : in.decision().draining();
        status.operation = in.paused() ? "paused" : describe(in.decision());
        boolean allUpdated =
                !observed.pods().isEmpty() && observed.pods().stream().allMatch(PodState::updated);
        status.currentVersion =
                allUpdated
                        ? in.version()
                        : in.previous() == null ? null : in.previous().currentVersion;
        status.shards = report.map(StatusAggregator::shards).orElse(null);

        boolean membersHealthy =
                report.map(r -> r.allCoordinatorsHealthy() && r.allVolumesHealthy()).orElse(false);
        int underReplicated = report.map(ClusterReport::underReplicatedShards).orElse(0);
        boolean ready =
                readyCoordinators >= in.coordinators()
                        && readyVolumes >= in.volumes()
                        && membersHealthy
                        && underReplicated == 0;
        Operation operation = in.decision().operation();
        boolean starting = operation == Operation.Creating || operation == Operation.WaitingForPods;

        Conditions conditions =
                new Conditions(
                        in.previous() == null ? null : in.previous().conditions,
                        in.generation(),
                        in.now());
        conditions.set(
                Conditions.READY,
                ready,
                ready
                        ? "AllMembersReady"
                        : report.isEmpty() ? "AdminApiUnavailable" : "MembersNotReady",
                status.coordinators
                        + " coordinators and "
                        + status.volumes
                        + " volume servers ready");
        if (in.paused()) {
            conditions.set(
                    Conditions.PROGRESSING,
                    false,
                    "Paused",
                    "the "
                            + dev.whispem.minikv.operator.Constants.ANNOTATION_PAUSED
                            + " annotation is set: no changes are made");
        } else {
            conditions.set(
                    Conditions.PROGRESSING,
                    operation.inProgress(),
                    operation.name(),
                    in.decision().message());
        }
        if (report.isEmpty() && !starting) {
            conditions.set(
                    Conditions.DEGRADED,
                    true,
                    "AdminApiUnavailable",
                    "the coordinators' admin API does not answer");
        } else if (underReplicated > 0) {
            conditions.set(
                    Conditions.DEGRADED,
                    true,
                    "ShardsUnderReplicated",
                    underReplicated + " shard replicas missing");
        } else if (report.isPresent() && !membersHealthy) {
            conditions.set(Conditions.DEGRADED, true, "MemberUnhealthy", unhealthy(report.get()));
        } else {
            conditions.set(Conditions.DEGRADED, false, "AsExpected", "");
        }
        status.conditions = conditions.build();
        return status;
    }

    private static String describe(ClusterDecision decision) {
        if (decision.operation() == Operation.Stable) {
            return null;
        }
        return decision.message().isEmpty()
                ? decision.operation().name()
                : decision.operation().name() + ": " + decision.message();
    }

    private static MiniKVClusterStatus.ShardStatus shards(ClusterReport report) {
        MiniKVClusterStatus.ShardStatus shards = new MiniKVClusterStatus.ShardStatus();
        shards.total = report.totalShards();
        List<ClusterReport.Volume> serving =
                report.volumes().stream().filter(v -> !v.draining()).toList();
        shards.minPerVolume =
                serving.stream().mapToInt(ClusterReport.Volume::shards).min().orElse(0);
        shards.maxPerVolume =
                serving.stream().mapToInt(ClusterReport.Volume::shards).max().orElse(0);
        shards.movesInFlight = report.movesInFlight();
        shards.underReplicated = report.underReplicatedShards();
        shards.balanced = report.balanced();
        shards.epoch = report.epoch();
        return shards;
    }

    private static String unhealthy(ClusterReport report) {
        List<String> names =
                java.util.stream.Stream.concat(
                                report.voters().stream()
                                        .filter(c -> !c.healthy() || !c.caughtUp())
                                        .map(ClusterReport.Coordinator::member),
                                report.volumes().stream()
                                        .filter(v -> !v.drained() && !v.healthy())
                                        .map(ClusterReport.Volume::member))
                        .toList();
        return "unhealthy or behind: " + String.join(", ", names);
    }
}
