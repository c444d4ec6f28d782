package dev.whispem.minikv.node.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Keeps the bootstrap coordinator from creating a second metadata group. The coordinator named by
 * {@code minikv.cluster.bootstrap-coordinator} creates the group when it finds none on its disk; if
 * that disk was lost (a replaced volume, a deleted PVC) while the other coordinators still run the
 * cluster, creating a new group would start a second, empty cluster beside the real one. So before
 * bootstrapping, it asks the other coordinators: a metadata leader that answers means the cluster
 * exists, and this node joins it as the replica it still is in the group's configuration (the
 * leader replays the whole metadata log to it), as etcd's {@code initial-cluster-state existing}
 * would.
 */
public final class BootstrapGuard {

    private static final Logger LOG = Logger.getLogger(BootstrapGuard.class);

    /** Passes over the coordinator list: behind one Service name, each pass may reach another. */
    private static final int PASSES = 3;

    private BootstrapGuard() {}

    /**
     * The id of the metadata leader some other coordinator reports, if any: only the leader answers
     * {@code GET /v1/admin/cluster} marked as forwarded, so a 200 proves a running group.
     */
    public static Optional<String> existingLeader(
            ClusterHttp http, List<String> coordinators, String selfId) {
        for (int pass = 0; pass < PASSES; pass++) {
            for (String host : coordinators) {
                ClusterHttp.Answer a =
                        http.send(host, "GET", "/v1/admin/cluster", null, Duration.ofSeconds(3));
                if (a.status() != 200) {
                    continue;
                }
                Optional<String> leader = leaderOf(a.body());
                if (leader.isPresent() && !leader.get().equals(selfId)) {
                    return leader;
                }
            }
        }
        return Optional.empty();
    }

    static Optional<String> leaderOf(String report) {
        try {
            JsonNode n = MetadataStateMachine.JSON.readTree(report);
            String leader = n == null ? null : n.path("leader").asText(null);
            return leader == null || leader.isBlank() ? Optional.empty() : Optional.of(leader);
        } catch (IOException e) {
            LOG.debugf("not a cluster report: %s", e.getMessage());
            return Optional.empty();
        }
    }
}
