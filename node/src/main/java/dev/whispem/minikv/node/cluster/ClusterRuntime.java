package dev.whispem.minikv.node.cluster;

import dev.whispem.minikv.node.replication.Replicator;

/**
 * This process's part in a coordinator/volume cluster: the coordinator service, the volume agent,
 * or neither (standalone and static-peer nodes).
 */
public final class ClusterRuntime implements AutoCloseable {

    private final CoordinatorService coordinator;
    private final VolumeAgent agent;
    private final ClusterAdmin admin;

    public ClusterRuntime(CoordinatorService coordinator, VolumeAgent agent, ClusterAdmin admin) {
        this.coordinator = coordinator;
        this.agent = agent;
        this.admin = admin;
    }

    /** The coordinator service, when this node is a coordinator. */
    public java.util.Optional<CoordinatorService> coordinator() {
        return java.util.Optional.ofNullable(coordinator);
    }

    public ClusterAdmin admin() {
        return admin;
    }

    private final java.util.concurrent.atomic.AtomicBoolean closing =
            new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Ready: a coordinator is a member with a leader and has applied the map; a volume server has
     * joined and every replica it hosts has caught up.
     */
    public boolean ready(Replicator replicator) {
        if (coordinator != null) {
            return coordinator.metadata().isMember() && coordinator.metadata().isReady();
        }
        if (agent != null) {
            return agent.joined() && replicator.isReady();
        }
        return replicator.isReady();
    }

    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return; // closed once on shutdown in order, then by its disposer
        }
        if (coordinator != null) {
            coordinator.close();
        }
        if (agent != null) {
            agent.close();
        }
    }
}
