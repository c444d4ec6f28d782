package dev.whispem.minikv.operator.cluster;

import dev.whispem.minikv.operator.crd.v1alpha1.MiniKVCluster;
import dev.whispem.minikv.operator.crd.v1alpha1.MiniKVClusterStatus;
import dev.whispem.minikv.operator.dependent.ClientService;
import dev.whispem.minikv.operator.dependent.ClusterConfigMap;
import dev.whispem.minikv.operator.dependent.CoordinatorService;
import dev.whispem.minikv.operator.dependent.CoordinatorStatefulSet;
import dev.whispem.minikv.operator.dependent.VolumeService;
import dev.whispem.minikv.operator.dependent.VolumeStatefulSet;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Orchestrates a MiniKVCluster: gates (pause), then the workflow of owned objects sized by the
 * plan, then the status. It decides nothing itself: the plan, the rollout order and the status come
 * from plain classes.
 */
@ControllerConfiguration(name = MiniKVClusterReconciler.NAME)
@Workflow(
        explicitInvocation = true,
        dependents = {
            @Dependent(name = ClusterConfigMap.NAME, type = ClusterConfigMap.class),
            @Dependent(name = CoordinatorService.NAME, type = CoordinatorService.class),
            @Dependent(name = VolumeService.NAME, type = VolumeService.class),
            @Dependent(name = ClientService.NAME, type = ClientService.class),
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

    @Override
    public UpdateControl<MiniKVCluster> reconcile(
            MiniKVCluster cluster, Context<MiniKVCluster> context) {
        ClusterPlan plan = ClusterPlan.fromSpec(cluster);
        if (!cluster.paused()) {
            plan.storeIn(context);
            context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
        }
        Optional<StatefulSet> coordinators =
                owned(context, StatefulSet.class, ClusterNames.coordinators(cluster));
        Optional<StatefulSet> volumes =
                owned(context, StatefulSet.class, ClusterNames.volumes(cluster));
        MiniKVClusterStatus previous = cluster.getStatus();
        MiniKVClusterStatus status = new MiniKVClusterStatus();
        status.observedGeneration = cluster.getMetadata().getGeneration();
        int readyCoordinators = coordinators.map(s -> ready(s)).orElse(0);
        int readyVolumes = volumes.map(s -> ready(s)).orElse(0);
        status.readyCoordinators = readyCoordinators;
        status.readyVolumes = readyVolumes;
        status.coordinators = readyCoordinators + "/" + plan.coordinatorReplicas();
        status.volumes = readyVolumes + "/" + plan.volumeReplicas();
        status.clientEndpoint = ClusterNames.clientEndpoint(cluster);
        boolean ready =
                readyCoordinators == plan.coordinatorReplicas()
                        && readyVolumes == plan.volumeReplicas();
        status.conditions =
                new Conditions(
                                previous == null ? null : previous.conditions,
                                cluster.getMetadata().getGeneration(),
                                Instant.now())
                        .set(
                                Conditions.READY,
                                ready,
                                ready ? "AllMembersReady" : "MembersNotReady",
                                status.coordinators
                                        + " coordinators, "
                                        + status.volumes
                                        + " volumes ready")
                        .set(
                                Conditions.PROGRESSING,
                                !ready && !cluster.paused(),
                                cluster.paused() ? "Paused" : ready ? "Stable" : "Starting",
                                cluster.paused() ? "paused by annotation" : "")
                        .set(Conditions.DEGRADED, false, "AsExpected", "")
                        .build();
        cluster.setStatus(status);
        return UpdateControl.patchStatus(cluster).rescheduleAfter(Duration.ofSeconds(30));
    }

    /** An owned object of a kind, by name, from the informers' caches. */
    static <R extends HasMetadata> Optional<R> owned(
            Context<MiniKVCluster> context, Class<R> type, String name) {
        return context.getSecondaryResourcesAsStream(type)
                .filter(r -> name.equals(r.getMetadata().getName()))
                .findFirst();
    }

    private static int ready(StatefulSet statefulSet) {
        return statefulSet.getStatus() == null || statefulSet.getStatus().getReadyReplicas() == null
                ? 0
                : statefulSet.getStatus().getReadyReplicas();
    }
}
