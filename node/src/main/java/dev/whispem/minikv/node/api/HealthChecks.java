package dev.whispem.minikv.node.api;

import dev.whispem.minikv.node.cluster.ClusterRuntime;
import dev.whispem.minikv.node.replication.Replicator;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/** {@code /q/health/live} and {@code /q/health/ready}. */
public class HealthChecks {

    /**
     * Ready = joined (a coordinator is a voting member, a volume server is known to the
     * coordinators) and every local replication group has a leader and has caught up.
     */
    @Readiness
    @ApplicationScoped
    public static class Ready implements HealthCheck {
        private final Replicator replicator;
        private final ClusterRuntime cluster;

        public Ready(Replicator replicator, ClusterRuntime cluster) {
            this.replicator = replicator;
            this.cluster = cluster;
        }

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("replication")
                    .status(cluster.ready(replicator))
                    .build();
        }
    }

    /** Live = the process serves requests; a dead node is not restarted for being behind. */
    @Liveness
    @ApplicationScoped
    public static class Live implements HealthCheck {
        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.up("node");
        }
    }
}
