package dev.whispem.minikv.operator.cluster;

import static dev.whispem.minikv.operator.Constants.*;

import dev.whispem.minikv.operator.OwnedPodsEventSource;
import dev.whispem.minikv.operator.admin.ClusterReport;
import dev.whispem.minikv.operator.admin.NodeAdminClient;
import dev.whispem.minikv.operator.admin.NodeAdminClientFactory;
import dev.whispem.minikv.operator.admin.NodeAdminException;
import dev.whispem.minikv.operator.cluster.plan.Action;
import dev.whispem.minikv.operator.cluster.plan.ClusterDecision;
import dev.whispem.minikv.operator.cluster.plan.ClusterPlanner;
import dev.whispem.minikv.operator.cluster.plan.ObservedCluster;
import dev.whispem.minikv.operator.cluster.plan.Operation;
import dev.whispem.minikv.operator.cluster.plan.PodState;
import dev.whispem.minikv.operator.crd.v1alpha1.MiniKVCluster;
import dev.whispem.minikv.operator.crd.v1alpha1.MiniKVClusterStatus;
import dev.whispem.minikv.operator.dependent.AuthSecret;
import dev.whispem.minikv.operator.dependent.ClientService;
import dev.whispem.minikv.operator.dependent.ClusterConfigMap;
import dev.whispem.minikv.operator.dependent.CoordinatorApiService;
import dev.whispem.minikv.operator.dependent.CoordinatorPdb;
import dev.whispem.minikv.operator.dependent.CoordinatorService;
import dev.whispem.minikv.operator.dependent.CoordinatorStatefulSet;
import dev.whispem.minikv.operator.dependent.EncryptionKeySecret;
import dev.whispem.minikv.operator.dependent.VolumePdb;
import dev.whispem.minikv.operator.dependent.VolumeService;
import dev.whispem.minikv.operator.dependent.VolumeStatefulSet;
import dev.whispem.minikv.operator.events.EventRecorder;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Orchestrates a MiniKVCluster: observe (StatefulSets and pods from informers, the admin API's
 * report), decide ({@link ClusterPlanner}), apply the owned objects sized by the decision, carry
 * out its one action, then aggregate the status ({@link StatusAggregator}) and record Events. A
 * paused cluster is observed but never changed.
 */
@ControllerConfiguration(name = MiniKVClusterReconciler.NAME)
@Workflow(
        explicitInvocation = true,
        dependents = {
            @Dependent(name = ClusterConfigMap.NAME, type = ClusterConfigMap.class),
            @Dependent(
                    name = AuthSecret.NAME,
                    type = AuthSecret.class,
                    reconcilePrecondition = AuthSecret.Needed.class),
            @Dependent(
                    name = EncryptionKeySecret.NAME,
                    type = EncryptionKeySecret.class,
                    reconcilePrecondition = EncryptionKeySecret.Needed.class),
            @Dependent(name = CoordinatorService.NAME, type = CoordinatorService.class),
            @Dependent(name = CoordinatorApiService.NAME, type = CoordinatorApiService.class),
            @Dependent(name = VolumeService.NAME, type = VolumeService.class),
            @Dependent(name = ClientService.NAME, type = ClientService.class),
            @Dependent(name = CoordinatorPdb.NAME, type = CoordinatorPdb.class),
            @Dependent(name = VolumePdb.NAME, type = VolumePdb.class),
            @Dependent(
                    name = CoordinatorStatefulSet.NAME,
                    type = CoordinatorStatefulSet.class,
                    dependsOn = {ClusterConfigMap.NAME, CoordinatorService.NAME}),
            @Dependent(
                    name = VolumeStatefulSet.NAME,
                    type = VolumeStatefulSet.class,
                    dependsOn = {ClusterConfigMap.NAME, VolumeService.NAME}),
        })
public class MiniKVClusterReconciler implements Reconciler<MiniKVCluster> {
    public static final String NAME = "minikvcluster";
    private static final Logger LOG = Logger.getLogger(MiniKVClusterReconciler.class);

    @Inject NodeAdminClientFactory adminClients;
    @Inject EventRecorder events;

    /**
     * How long a cluster that answered the cancel-drain call with a 404 or 405 is taken to lack it.
     * The report does not say which calls the node has, so the operator learns it from the answer
     * and remembers it here, per cluster, in memory: the only cost of forgetting it (operator
     * restart, this delay) is one more refused call, after which the planner falls back again; and
     * asking again now and then picks up a node upgraded since, without tracking versions.
     */
    @ConfigProperty(name = "minikv.operator.cancel-drain-recheck", defaultValue = "10m")
    Duration cancelDrainRecheck;

    /** Clusters ({@code namespace/name}) that refused the cancel-drain call, and when. */
    private final Map<String, Instant> cancelDrainRefused = new ConcurrentHashMap<>();

    @ConfigProperty(name = "minikv.operator.poll-interval", defaultValue = "15s")
    Duration pollInterval;

    /**
     * Poll interval while a change is under way: progress the node makes (a coordinator
     * registering, shards moving off a draining server) produces no Kubernetes event.
     */
    @ConfigProperty(name = "minikv.operator.active-poll-interval", defaultValue = "5s")
    Duration activePollInterval;

    @Override
    public List<EventSource<?, MiniKVCluster>> prepareEventSources(
            EventSourceContext<MiniKVCluster> context) {
        return List.of(
                OwnedPodsEventSource.create("pods", APP_MINIKV, MiniKVCluster.class, context));
    }

    @Override
    public UpdateControl<MiniKVCluster> reconcile(
            MiniKVCluster cluster, Context<MiniKVCluster> context) {
        NodeAdminClient admin = adminClients.forCluster(cluster);
        Optional<StatefulSet> coordinators =
                owned(context, StatefulSet.class, ClusterNames.coordinators(cluster));
        Optional<StatefulSet> volumes =
                owned(context, StatefulSet.class, ClusterNames.volumes(cluster));
        ObservedCluster observed = observe(cluster, context, coordinators, volumes, admin);

        ClusterDecision decision;
        if (cluster.paused()) {
            ClusterPlan current =
                    new ClusterPlan(
                            Math.max(observed.coordinatorStatefulSetSize(), 0),
                            Math.max(observed.volumeStatefulSetSize(), 0));
            decision =
                    new ClusterDecision(
                            current, Optional.empty(), Operation.Paused, "paused", List.of());
        } else {
            decision =
                    ClusterPlanner.decide(
                            ClusterNames.coordinators(cluster),
                            ClusterNames.volumes(cluster),
                            cluster.getSpec().getCoordinators().replicas,
                            cluster.getSpec().getVolumes().replicas,
                            observed);
            decision.sizes().storeIn(context);
            context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
            decision.action().ifPresent(action -> carryOut(cluster, context, admin, action));
        }

        MiniKVClusterStatus previous = cluster.getStatus();
        MiniKVClusterStatus status =
                StatusAggregator.aggregate(
                        new StatusAggregator.Input(
                                cluster.getMetadata().getGeneration(),
                                previous,
                                cluster.getSpec().getCoordinators().replicas,
                                cluster.getSpec().getVolumes().replicas,
                                cluster.getSpec().getVersion(),
                                ClusterNames.clientEndpoint(cluster),
                                cluster.paused(),
                                observed,
                                decision,
                                Instant.now()));
        recordTransitions(cluster, previous, status);
        cluster.setStatus(status);
        Duration next =
                !cluster.paused()
                                && decision.operation().inProgress()
                                && activePollInterval.compareTo(pollInterval) < 0
                        ? activePollInterval
                        : pollInterval;
        return UpdateControl.patchStatus(cluster).rescheduleAfter(next);
    }

    private ObservedCluster observe(
            MiniKVCluster cluster,
            Context<MiniKVCluster> context,
            Optional<StatefulSet> coordinators,
            Optional<StatefulSet> volumes,
            NodeAdminClient admin) {
        List<PodState> pods =
                context.getSecondaryResourcesAsStream(Pod.class)
                        .map(pod -> podState(pod, coordinators, volumes))
                        .flatMap(Optional::stream)
                        .toList();
        Optional<ClusterReport> report = Optional.empty();
        if (coordinators.isPresent()) {
            try {
                report = Optional.of(admin.clusterStatus());
            } catch (NodeAdminException e) {
                LOG.debugf(
                        "%s/%s: admin API: %s",
                        cluster.getMetadata().getNamespace(),
                        cluster.getMetadata().getName(),
                        e.getMessage());
            }
        }
        return new ObservedCluster(
                coordinators.map(s -> s.getSpec().getReplicas()).orElse(-1),
                volumes.map(s -> s.getSpec().getReplicas()).orElse(-1),
                observedByController(coordinators) && observedByController(volumes),
                pods,
                report,
                canCancelDrains(cluster));
    }

    /** False while the cluster's refusal of the cancel-drain call is recent. */
    private boolean canCancelDrains(MiniKVCluster cluster) {
        String key = key(cluster);
        Instant refused = cancelDrainRefused.get(key);
        if (refused == null) {
            return true;
        }
        if (Instant.now().isAfter(refused.plus(cancelDrainRecheck))) {
            cancelDrainRefused.remove(key, refused);
            return true;
        }
        return false;
    }

    private static String key(MiniKVCluster cluster) {
        return cluster.getMetadata().getNamespace() + "/" + cluster.getMetadata().getName();
    }

    private static boolean observedByController(Optional<StatefulSet> statefulSet) {
        return statefulSet
                .map(
                        s ->
                                s.getStatus() != null
                                        && s.getStatus().getObservedGeneration() != null
                                        && s.getStatus().getObservedGeneration()
                                                >= s.getMetadata().getGeneration())
                .orElse(false);
    }

    private static Optional<PodState> podState(
            Pod pod, Optional<StatefulSet> coordinators, Optional<StatefulSet> volumes) {
        String component = pod.getMetadata().getLabels().get(LABEL_COMPONENT);
        NodeRole role =
                COMPONENT_COORDINATOR.equals(component)
                        ? NodeRole.COORDINATOR
                        : COMPONENT_VOLUME.equals(component) ? NodeRole.VOLUME : null;
        if (role == null) {
            return Optional.empty();
        }
        Optional<StatefulSet> owner = role == NodeRole.COORDINATOR ? coordinators : volumes;
        String updateRevision =
                owner.map(s -> s.getStatus() == null ? null : s.getStatus().getUpdateRevision())
                        .orElse(null);
        boolean updated =
                updateRevision == null
                        || updateRevision.equals(
                                pod.getMetadata().getLabels().get(LABEL_CONTROLLER_REVISION));
        boolean ready =
                pod.getStatus() != null
                        && pod.getStatus().getConditions() != null
                        && pod.getStatus().getConditions().stream()
                                .anyMatch(
                                        c ->
                                                "Ready".equals(c.getType())
                                                        && "True".equals(c.getStatus()));
        return Optional.of(
                new PodState(
                        pod.getMetadata().getName(),
                        role,
                        ClusterNames.ordinal(pod.getMetadata().getName()),
                        ready,
                        updated,
                        pod.getMetadata().getDeletionTimestamp() != null));
    }

    private void carryOut(
            MiniKVCluster cluster,
            Context<MiniKVCluster> context,
            NodeAdminClient admin,
            Action action) {
        String outcome = action.describe();
        try {
            switch (action) {
                case Action.DrainVolumes drain -> {
                    List<String> progress = new java.util.ArrayList<>();
                    for (String member : drain.members()) {
                        NodeAdminClient.DrainProgress p = admin.drainVolume(member);
                        if (p != null) {
                            progress.add(
                                    member
                                            + (p.drained()
                                                    ? " drained"
                                                    : ": " + p.remainingShards() + " left"));
                        }
                    }
                    if (!progress.isEmpty()) {
                        outcome += " (" + String.join(", ", progress) + ")";
                    }
                }
                case Action.CancelDrains cancel -> {
                    List<String> kept = new ArrayList<>();
                    for (String member : cancel.members()) {
                        NodeAdminClient.DrainCancelled c;
                        try {
                            c = admin.cancelDrain(member);
                        } catch (NodeAdminException e) {
                            if (!e.unsupported()) {
                                throw e;
                            }
                            // A node without the call: the planner falls back to letting the
                            // drain finish, then removing the server so that it rejoins empty.
                            cancelDrainRefused.put(key(cluster), Instant.now());
                            events.normal(
                                    cluster,
                                    "DrainCancelUnsupported",
                                    action.describe()
                                            + ": the cluster cannot cancel drains ("
                                            + e.getMessage()
                                            + "); "
                                            + String.join(", ", cancel.members())
                                            + " finish draining, are removed and rejoin empty");
                            return;
                        }
                        if (c != null) {
                            // The answer is the server's state after the cancel: draining again
                            // if someone drained it right after; the next report decides.
                            kept.add(
                                    member
                                            + (c.draining()
                                                    ? " draining again"
                                                    : " keeps " + c.shards() + " shard replicas"));
                        }
                    }
                    if (!kept.isEmpty()) {
                        outcome += " (" + String.join(", ", kept) + ")";
                    }
                }
                case Action.RemoveVolumes remove -> {
                    for (String member : remove.members()) {
                        admin.removeVolume(member);
                    }
                }
                case Action.AddCoordinator add -> admin.addCoordinator(add.member());
                case Action.RemoveCoordinator remove -> admin.removeCoordinator(remove.member());
                case Action.TransferLeadership transfer -> admin.transferLeadership(transfer.to());
                case Action.DeletePod delete ->
                        context.getClient()
                                .pods()
                                .inNamespace(cluster.getMetadata().getNamespace())
                                .withName(delete.pod())
                                .delete();
            }
            events.normal(cluster, reason(action), outcome);
        } catch (NodeAdminException e) {
            // Never fatal: the decision is made again on the next pass (pod events or the poll
            // interval), from a fresh report. A 409 means the cluster is not there yet (a
            // coordinator that has not registered, shards still on a server, leadership moved);
            // a 503 that the metadata group has no leader at the moment.
            if (e.conflict() || e.unavailable()) {
                events.normal(
                        cluster, "AdminCallDeferred", action.describe() + ": " + e.getMessage());
            } else {
                events.warning(
                        cluster, "AdminCallFailed", action.describe() + ": " + e.getMessage());
            }
        }
    }

    private static String reason(Action action) {
        return switch (action) {
            case Action.DrainVolumes d -> "DrainingVolumes";
            case Action.CancelDrains c -> "CancelledDrains";
            case Action.RemoveVolumes r -> "RemovedVolumes";
            case Action.AddCoordinator a -> "AddedCoordinator";
            case Action.RemoveCoordinator r -> "RemovedCoordinator";
            case Action.TransferLeadership t -> "TransferredLeadership";
            case Action.DeletePod p -> "RestartingPod";
        };
    }

    /** One Event per condition whose status or reason changed. */
    private void recordTransitions(
            MiniKVCluster cluster, MiniKVClusterStatus previous, MiniKVClusterStatus current) {
        for (Condition condition : current.conditions) {
            Optional<Condition> before =
                    Conditions.find(
                            previous == null ? null : previous.conditions, condition.getType());
            boolean changed =
                    before.isEmpty()
                            || !Objects.equals(before.get().getStatus(), condition.getStatus())
                            || !Objects.equals(before.get().getReason(), condition.getReason());
            if (!changed) {
                continue;
            }
            String message =
                    condition.getType()
                            + "="
                            + condition.getStatus()
                            + " ("
                            + condition.getReason()
                            + ")"
                            + (condition.getMessage() == null || condition.getMessage().isEmpty()
                                    ? ""
                                    : ": " + condition.getMessage());
            boolean bad =
                    (Conditions.DEGRADED.equals(condition.getType())
                            && "True".equals(condition.getStatus()));
            if (bad) {
                events.warning(cluster, condition.getType(), message);
            } else {
                events.normal(cluster, condition.getType(), message);
            }
        }
    }

    /** An owned object of a kind, by name, from the informers' caches. */
    static <R extends HasMetadata> Optional<R> owned(
            Context<MiniKVCluster> context, Class<R> type, String name) {
        return context.getSecondaryResourcesAsStream(type)
                .filter(r -> name.equals(r.getMetadata().getName()))
                .findFirst();
    }
}
