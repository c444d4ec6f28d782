package dev.whispem.minikv.node.cluster;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** How coordinators and volume servers find each other ({@code minikv.cluster.*}). */
@ConfigMapping(prefix = "minikv.cluster")
public interface ClusterSettings {

    /**
     * HTTP {@code host:port} of the coordinators (a Service, or a list). Volume servers send their
     * heartbeats there; coordinators that are not yet members ask there to be admitted. Env: {@code
     * MINIKV_COORDINATORS_SERVICE}.
     */
    Optional<List<String>> coordinators();

    /**
     * The coordinator that creates the metadata group when the cluster is first started: its node
     * id, or a host name whose first label is its node id. Other coordinators start empty and are
     * added by membership changes. Env: {@code MINIKV_BOOTSTRAP_COORDINATOR}.
     */
    Optional<String> bootstrapCoordinator();

    /** Replicas of each shard group (1, 3 or 5), fixed when the cluster is first initialised. */
    @WithDefault("3")
    int replicationFactor();

    /**
     * The {@code host:port} other nodes reach this node's HTTP API on; default raft host + HTTP
     * port.
     */
    Optional<String> advertiseHttp();

    /** How often volume servers report to the coordinators and the leader plans. */
    @WithDefault("1s")
    Duration heartbeatInterval();

    /** A volume server silent this long is reported unhealthy and gets no new replicas. */
    @WithDefault("5s")
    Duration livenessTimeout();

    /** A volume server silent this long is presumed lost: its replicas are re-created elsewhere. */
    @WithDefault("5m")
    Duration deadVolumeGrace();

    /**
     * Whether the coordinators even out how many shard groups each volume server leads, by asking
     * leaders to hand leadership to members that lead fewer (decision 0118).
     */
    @WithDefault("true")
    boolean balanceLeaders();

    /** Shard-group moves in flight at once, cluster-wide. */
    @WithDefault("1")
    int maxMoves();
}
