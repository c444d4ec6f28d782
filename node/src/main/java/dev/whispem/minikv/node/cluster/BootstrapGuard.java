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

    /** Passes over the coordinator list, a second apart: an election may be under way. */
    private static final int PASSES = 3;

    private BootstrapGuard() {}

    /**
     * The id of the metadata leader some other coordinator reports, if any. The report is asked for
     * unforwarded, so any member (behind a Service, whichever one answers) relays it from its
     * leader; a 200 naming a leader other than this node proves a running group.
     */
    public static Optional<String> existingLeader(
            ClusterHttp http, List<String> coordinators, String selfId) {
        for (int pass = 0; pass < PASSES; pass++) {
            if (pass > 0 && !pause()) {
                return Optional.empty();
            }
            for (String host : coordinators) {
                ClusterHttp.Answer a =
                        http.sendUnforwarded(
                                host, "GET", "/v1/admin/cluster", Duration.ofSeconds(3));
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

    private static boolean pause() {
        try {
            Thread.sleep(1000);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
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
