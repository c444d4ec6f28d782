package dev.whispem.minikv.operator.cluster.plan;

/** What the cluster is going through, shown as the Progressing condition's reason. */
public enum Operation {
    Stable,
    Creating,
    Paused,
    ScalingVolumesUp,
    Rebalancing,
    DrainingVolumes,
    ChangingCoordinators,
    RollingUpgrade,
    WaitingForPods,
    WaitingForAdminApi;

    public boolean inProgress() {
        return this != Stable && this != Paused;
    }
}
