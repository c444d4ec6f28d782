package dev.whispem.minikv.node.cluster;

import dev.whispem.minikv.node.replication.RatisReplicator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * A volume server's side of the cluster: reports to the coordinators every heartbeat interval and,
 * from the map they answer, starts the replicas it has been given (new groups with their full
 * membership, joining ones empty, to be filled by the group leader) and drops the ones it no longer
 * holds.
 */
public final class VolumeAgent implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(VolumeAgent.class);

    private final RatisReplicator replicator;
    private final ClusterSettings settings;
    private final List<String> coordinators;
    private final String selfHttp;
    private final ClusterHttp http;
    private final ScheduledExecutorService ticker =
            Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("minikv-volume-agent").daemon().factory());

    /** Groups whose replica is being started or dropped, with when that began (nanoTime). */
    private final java.util.Map<Integer, Long> changing =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final java.util.concurrent.ExecutorService changes =
            Executors.newSingleThreadExecutor(
                    Thread.ofPlatform().name("minikv-volume-replicas").daemon().factory());
    private int cursor;
    private int failures;
    private volatile long lastEpoch = -1;
    private volatile boolean joined;
    private boolean mismatchReported;

    public VolumeAgent(
            RatisReplicator replicator,
            ClusterSettings settings,
            List<String> coordinators,
            String selfHttp,
            ClusterHttp http) {
        this.replicator = replicator;
        this.settings = settings;
        this.coordinators = List.copyOf(coordinators);
        this.selfHttp = selfHttp;
        this.http = http;
    }

    public void start() {
        long every = settings.heartbeatInterval().toMillis();
        ticker.scheduleWithFixedDelay(this::tick, 0, every, TimeUnit.MILLISECONDS);
    }

    /** Whether the coordinators know this volume server and it has applied their map. */
    public boolean joined() {
        return joined;
    }

    public String id() {
        return replicator.self().getId().toString();
    }

    void tick() {
        reportSlowChanges();
        try {
            VolumeReport report =
                    new VolumeReport(
                            id(),
                            selfHttp,
                            replicator.self().getAddress(),
                            replicator.hostedGroups(),
                            lastEpoch,
                            replicator.groupCount(),
                            replicator.ledGroups());
            ClusterHttp.Answer answer =
                    http.sendToAny(
                            coordinators,
                            cursor,
                            "POST",
                            "/v1/internal/heartbeat",
                            MetadataStateMachine.json(report),
                            Duration.ofSeconds(5));
            if (!answer.ok()) {
                cursor++;
                if (++failures % 5 == 1) {
                    LOG.warnf(
                            "heartbeat not accepted (%d in a row): %d %s",
                            failures, answer.status(), answer.body());
                }
                return;
            }
            failures = 0;
            apply(MetadataStateMachine.JSON.readValue(answer.body(), ClusterMap.class));
        } catch (Throwable e) {
            // Never let the schedule die: a lost heartbeat loop would make this volume server look
            // dead to the coordinators while it still serves.
            LOG.warn("heartbeat failed", e);
        }
    }

    private void apply(ClusterMap map) throws java.io.IOException {
        if (map.epoch() < lastEpoch) {
            return; // an older map from a lagging coordinator: never act on it
        }
        lastEpoch = map.epoch();
        Routing.apply(replicator, map);
        if (!map.initialised()) {
            return;
        }
        // Checked before membership: the coordinators do not admit a server whose count differs.
        String mismatch = groupCountMismatch(map, replicator.groupCount());
        if (mismatch != null) {
            // Hosting by group number would put shards in the wrong groups: serve nothing (the
            // node stays not ready) until the configuration agrees with the cluster.
            if (!mismatchReported) {
                LOG.error(mismatch);
                mismatchReported = true;
            }
            joined = false;
            return;
        }
        if (!map.volumes().containsKey(id())) {
            return;
        }
        for (int g = 0; g < map.groups().size(); g++) {
            ClusterMap.Placement p = map.groups().get(g);
            boolean should = p.hostedBy(id());
            boolean does = replicator.hosts(g);
            if (should != does && changing.putIfAbsent(g, System.nanoTime()) == null) {
                int group = g;
                boolean joining = !p.replicas().contains(id());
                List<org.apache.ratis.protocol.RaftPeer> peers =
                        Routing.peers(map, joining && should ? p.target() : p.replicas());
                // Starting or dropping a replica waits on Ratis (dropping a leader waits for its
                // pending requests); the heartbeats must go on meanwhile.
                changes.execute(
                        () -> {
                            try {
                                if (should) {
                                    replicator.host(group, peers, joining);
                                } else {
                                    replicator.unhost(group);
                                }
                            } catch (Throwable e) {
                                LOG.warnf("group %d: %s", group, e.getMessage());
                            } finally {
                                changing.remove(group);
                            }
                        });
            }
        }
        joined = true;
    }

    /**
     * Warns about a replica start or drop that has taken longer than half a minute: they run one at
     * a time, so a hung one stops this server from taking or giving up any other group, and the
     * coordinators' moves to it wait.
     */
    private void reportSlowChanges() {
        long now = System.nanoTime();
        changing.forEach(
                (group, since) -> {
                    if (now - since > TimeUnit.SECONDS.toNanos(30)
                            && changing.replace(group, since, now)) {
                        LOG.warnf(
                                "group %d: starting or dropping its replica has not finished for"
                                        + " over 30 s; other replica changes wait behind it",
                                group);
                    }
                });
    }

    /** Why this node cannot host the map's groups, or null when its group count agrees. */
    static String groupCountMismatch(ClusterMap map, int configured) {
        if (map.groups().size() == configured) {
            return null;
        }
        return "the cluster packs its shards into "
                + map.groups().size()
                + " groups but this node is configured with minikv.replication.groups="
                + configured
                + "; it hosts nothing until they agree";
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        changes.shutdownNow();
    }
}
