package dev.whispem.minikv.operator.job;

import dev.whispem.minikv.operator.crd.v1alpha1.WhispemJobStatus.Phase;

/** The phase of a compiled WhispemJob, from its spec's suspend flag and the observed Job. */
public final class JobPhases {
    private JobPhases() {}

    public static Phase phase(boolean suspend, ObservedJob job) {
        if (job.complete()) {
            return Phase.Succeeded;
        }
        if (job.failedCondition()) {
            return Phase.Failed;
        }
        if (suspend || job.suspended()) {
            return Phase.Suspended;
        }
        if (job.active() > 0) {
            return Phase.Running;
        }
        return Phase.Pending;
    }
}
