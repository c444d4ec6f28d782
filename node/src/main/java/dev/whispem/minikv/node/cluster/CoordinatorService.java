package dev.whispem.minikv.node.cluster;

import dev.whispem.minikv.node.replication.NotLeaderException;
import dev.whispem.minikv.node.replication.RatisReplicator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.ratis.protocol.RaftPeer;
import org.jboss.logging.Logger;

/**
 * What a coordinator does besides voting in the metadata group. On the leader: initialises the map,
 * admits volume servers from their heartbeats, tracks their liveness, and carries out the {@link
 * PlacementPlanner}'s moves (start move → membership change of the shard group, which Ratis commits
 * only once the new replica has caught up → finish move). On every coordinator: keeps the routing
 * of client requests to shard groups in step with the map.
 */
public final class CoordinatorService implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CoordinatorService.class);

    private final MetadataGroup metadata;
    private final RatisReplicator replicator;
    private final ClusterSettings settings;
    private final int groups;
    private final ClusterMap.Coordinator self;
    private final LongSupplier clock;
    private final PlacementPlanner planner;
    private final ClusterHttp http;
    private final ScheduledExecutorService ticker =
            Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("minikv-coordinator").daemon().factory());

    /** Leader-only, in memory: when each volume server last reported, and what it hosts. */
    private final Map<String, Long> lastSeen = new ConcurrentHashMap<>();

    private final Map<String, List<Integer>> hosted = new ConcurrentHashMap<>();

    /** Leader-only, in memory: the groups each volume server reported leading. */
    private final Map<String, List<Integer>> leading = new ConcurrentHashMap<>();

    /** When the last leadership transfer for balance ended; the next waits for fresh reports. */
    private volatile long lastTransferEnded = Long.MIN_VALUE / 2;

    /** When a refused transfer (group and target) was last logged at INFO. */
    private final Map<String, Long> refusalLogged = new ConcurrentHashMap<>();

    private final java.util.concurrent.atomic.AtomicBoolean transferring =
            new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicLong leaderTransfers =
            new java.util.concurrent.atomic.AtomicLong();
    private final Set<Integer> reconfiguring = ConcurrentHashMap.newKeySet();

    /** Volume servers refused for their group count, so the refusal is logged once each. */
    private final Set<String> misconfigured = ConcurrentHashMap.newKeySet();

    /** Moves whose new members do not host the group yet, with when the wait was last logged. */
    private final Map<Integer, Long> waitingSince = new ConcurrentHashMap<>();

    /** Membership changes block for as long as a new replica takes to catch up. */
    private final java.util.concurrent.ExecutorService changes =
            Executors.newCachedThreadPool(
                    Thread.ofPlatform().name("minikv-membership-", 0).daemon().factory());

    private final GroupMembershipChange membership = new GroupMembershipChange(changes);

    private volatile long leaderSince = -1;
    private final java.util.concurrent.atomic.AtomicLong movesFinished =
            new java.util.concurrent.atomic.AtomicLong();

    /** Shard-group moves this coordinator has completed as leader (a metric). */
    public long movesFinished() {
        return movesFinished.get();
    }

    /** Leadership transfers this coordinator has had done, as leader, for balance (a metric). */
    public long leaderTransfers() {
        return leaderTransfers.get();
    }

    public CoordinatorService(
            MetadataGroup metadata,
            RatisReplicator replicator,
            ClusterSettings settings,
            int groups,
            String selfHttp,
            ClusterHttp http,
            LongSupplier clock) {
        this.http = http;
        this.metadata = metadata;
        this.replicator = replicator;
        this.settings = settings;
        this.groups = groups;
        this.self =
                new ClusterMap.Coordinator(
                        replicator.self().getId().toString(),
                        selfHttp,
                        replicator.self().getAddress(),
                        true);
        this.clock = clock;
        this.planner = new PlacementPlanner(settings.maxMoves());
    }

    public void start() {
        long every = settings.heartbeatInterval().toMillis();
        ticker.scheduleWithFixedDelay(this::tickSafely, every, every, TimeUnit.MILLISECONDS);
    }

    public MetadataGroup metadata() {
        return metadata;
    }

    public ClusterMap.Coordinator self() {
        return self;
    }

    private void tickSafely() {
        try {
            tick();
        } catch (Throwable e) {
            // Never let the schedule die: planning and routing updates stop with it.
            LOG.warn("coordinator tick failed", e);
        }
    }

    void tick() {
        ClusterMap map = metadata.map();
        Routing.apply(replicator, map);
        if (!metadata.isLeader()) {
            leaderSince = -1;
            if (!metadata.isMember() && !map.coordinators().containsKey(self.id())) {
                askToJoin();
            }
            return;
        }
        if (leaderSince < 0) {
            leaderSince = clock.getAsLong();
        }
        try {
            leaderHousekeeping();
        } catch (Exception e) {
            LOG.debugf("leader housekeeping: %s", e.getMessage());
        }
    }

    /** Registers this coordinator with the leader so that the operator can add it. */
    private void askToJoin() {
        List<String> peers = settings.coordinators().orElse(List.of());
        ClusterHttp.Answer a =
                http.sendToAny(
                        peers,
                        0,
                        "POST",
                        "/v1/internal/coordinators/register",
                        MetadataStateMachine.json(
                                new ClusterMap.Coordinator(
                                        self.id(), self.http(), self.raft(), false)),
                        java.time.Duration.ofSeconds(5));
        if (!a.ok()) {
            LOG.debugf("registration not accepted yet: %d %s", a.status(), a.body());
        }
    }

    private void leaderHousekeeping() throws Exception {
        ClusterMap map = metadata.map();
        for (RaftPeer member : metadata.members()) {
            ClusterMap.Coordinator known = map.coordinators().get(member.getId().toString());
            if (member.getId().toString().equals(self.id())) {
                if (!self.equals(known)) {
                    map = propose(new MetadataCommand.PutCoordinator(self));
                }
            } else if (known != null && !known.voting()) {
                map =
                        propose(
                                new MetadataCommand.PutCoordinator(
                                        new ClusterMap.Coordinator(
                                                known.id(), known.http(), known.raft(), true)));
            }
        }
        if (!map.initialised()) {
            map = propose(new MetadataCommand.Initialize(groups, settings.replicationFactor()));
        }
        for (MetadataCommand c : planner.plan(map, live(), dead(map), hosted)) {
            LOG.infof("placement: %s", c);
            try {
                propose(c);
            } catch (Exception e) {
                LOG.infof("placement step not taken: %s", e.getMessage());
            }
        }
        map = metadata.map();
        for (int g = 0; g < map.groups().size(); g++) {
            ClusterMap.Placement p = map.groups().get(g);
            if (!p.moving() || !ready(g, p)) {
                reportWaiting(g, p);
                continue;
            }
            waitingSince.remove(g);
            if (reconfiguring.add(g)) {
                int group = g;
                CompletableFuture.runAsync(() -> reconfigure(group, p), changes)
                        .whenComplete((v, e) -> reconfiguring.remove(group));
            }
        }
        if (settings.balanceLeaders()) {
            balanceLeaders(map);
        }
    }

    /**
     * Has one group's leader hand its leadership to a member that leads fewer groups ({@link
     * LeaderBalancer}), one transfer at a time. The next waits for two heartbeat intervals after
     * the last one ended, so every report it plans from was sent after that transfer.
     */
    private void balanceLeaders(ClusterMap map) {
        long now = clock.getAsLong();
        if (transferring.get()
                || now - lastTransferEnded < 2 * settings.heartbeatInterval().toMillis()) {
            return;
        }
        // Only servers heard from in the last two heartbeats: one that is shutting down stopped
        // reporting first, and stays "live" for the whole liveness timeout.
        LeaderBalancer.next(map, leading, heardWithin(2 * settings.heartbeatInterval().toMillis()))
                .ifPresent(
                        t -> {
                            ClusterMap.Volume from = map.volumes().get(t.from());
                            if (from == null || !transferring.compareAndSet(false, true)) {
                                return;
                            }
                            CompletableFuture.supplyAsync(() -> transfer(t, from.http()), changes)
                                    .whenComplete(
                                            (done, e) -> {
                                                // After a refusal the balancer rests a while: the
                                                // same transfer would be chosen again, and its
                                                // cause (a lagging member) takes time to pass.
                                                lastTransferEnded =
                                                        clock.getAsLong()
                                                                + (Boolean.TRUE.equals(done)
                                                                        ? 0
                                                                        : REFUSED_TRANSFER_PAUSE_MILLIS);
                                                transferring.set(false);
                                            });
                        });
    }

    /** How long the leader balancer rests after a transfer was refused or failed. */
    private static final long REFUSED_TRANSFER_PAUSE_MILLIS = 30_000;

    /** Asks the group's leader to hand over; whether it did. */
    private boolean transfer(LeaderBalancer.Transfer t, String fromHttp) {
        ClusterHttp.Answer a =
                http.send(
                        fromHttp,
                        "POST",
                        "/v1/admin/groups/"
                                + t.group()
                                + "/transfer-leadership?to="
                                + java.net.URLEncoder.encode(
                                        t.to(), java.nio.charset.StandardCharsets.UTF_8),
                        null,
                        java.time.Duration.ofSeconds(15));
        if (a.ok()) {
            leaderTransfers.incrementAndGet();
            // Until the next heartbeats arrive, plan from what was just done.
            leading.computeIfPresent(t.from(), (v, groups) -> without(groups, t.group()));
            LOG.infof(
                    "group %d: leadership %s -> %s for balance (%s led %d groups, %s %d)",
                    t.group(), t.from(), t.to(), t.from(), t.fromLeads(), t.to(), t.toLeads());
            return true;
        } else {
            // The same refusal comes back after every pause while its cause lasts (a member the
            // coordinators hear from but its leader does not): logged once a minute.
            String key = t.group() + ">" + t.to();
            long now = clock.getAsLong();
            Long last = refusalLogged.get(key);
            Logger.Level level =
                    last == null || now - last >= 60_000 ? Logger.Level.INFO : Logger.Level.DEBUG;
            if (level == Logger.Level.INFO) {
                refusalLogged.put(key, now);
            }
            LOG.logf(
                    level,
                    "group %d: leadership not handed %s -> %s: %d %s",
                    t.group(),
                    t.from(),
                    t.to(),
                    a.status(),
                    a.body());
            return false;
        }
    }

    private static List<Integer> without(List<Integer> groups, int group) {
        return groups.stream().filter(g -> g != group).toList();
    }

    /**
     * Logs, once a minute, a move that cannot start because a new member does not host the group:
     * the other moves wait behind it (the move limit), so it must be visible.
     */
    private void reportWaiting(int group, ClusterMap.Placement p) {
        if (!p.moving()) {
            waitingSince.remove(group);
            return;
        }
        long now = clock.getAsLong();
        long since = waitingSince.computeIfAbsent(group, g -> now);
        if (now - since >= 60_000) {
            waitingSince.put(group, now);
            LOG.warnf(
                    "group %d: the move to %s waits for its new members to host the group; they"
                            + " report hosting %s",
                    group,
                    p.target(),
                    p.target().stream()
                            .filter(v -> !p.replicas().contains(v))
                            .collect(
                                    java.util.stream.Collectors.toMap(
                                            v -> v, v -> hosted.getOrDefault(v, List.of()))));
        }
    }

    private ClusterMap propose(MetadataCommand c) throws Exception {
        return metadata.propose(c).get(10, TimeUnit.SECONDS);
    }

    /** Whether every new member of a move already hosts the group (as a joining replica). */
    private boolean ready(int group, ClusterMap.Placement p) {
        for (String v : p.target()) {
            if (!p.replicas().contains(v) && !hosted.getOrDefault(v, List.of()).contains(group)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Changes the group's Raft membership to the move's target ({@link GroupMembershipChange}),
     * then records the move finished. Repeating it after a crash is harmless.
     */
    private void reconfigure(int group, ClusterMap.Placement p) {
        try {
            if (!membership.apply(
                    metadata.map(), group, p, () -> p.equals(metadata.map().groups().get(group)))) {
                return;
            }
            propose(new MetadataCommand.FinishMove(group, p.target()));
            movesFinished.incrementAndGet();
            LOG.infof("group %d: now on %s", group, p.target());
        } catch (Exception e) {
            LOG.infof("group %d: membership change failed, will retry: %s", group, e.getMessage());
        }
    }

    /** Volume servers heard from within the liveness timeout. */
    Set<String> live() {
        return heardWithin(settings.livenessTimeout().toMillis());
    }

    private Set<String> heardWithin(long millis) {
        long now = clock.getAsLong();
        Set<String> out = new HashSet<>();
        lastSeen.forEach(
                (id, at) -> {
                    if (now - at <= millis) {
                        out.add(id);
                    }
                });
        return out;
    }

    /**
     * Volume servers silent for longer than the grace period. A new leader has heard from nobody
     * yet, so silence is counted from when it became leader.
     */
    Set<String> dead(ClusterMap map) {
        long now = clock.getAsLong();
        Set<String> out = new HashSet<>();
        for (String id : map.volumes().keySet()) {
            long since = Math.max(lastSeen.getOrDefault(id, 0L), leaderSince);
            if (now - since > settings.deadVolumeGrace().toMillis()) {
                out.add(id);
            }
        }
        return out;
    }

    /**
     * Handles a volume server's heartbeat (leader only); answers the current map. A server whose
     * group count differs from the cluster's is neither registered nor counted live: it would host
     * nothing, and a move to it would wait for good. It reads the reason from the map it gets.
     */
    public ClusterMap heartbeat(VolumeReport report) throws Exception {
        requireLeader();
        ClusterMap map = metadata.map();
        if (!admits(map, report)) {
            if (misconfigured.add(report.id())) {
                LOG.warnf(
                        "volume server %s is not admitted: %s",
                        report.id(), VolumeAgent.groupCountMismatch(map, report.groups()));
            }
            return map;
        }
        misconfigured.remove(report.id());
        ClusterMap.Volume known = map.volumes().get(report.id());
        if (known == null
                || !known.http().equals(report.http())
                || !known.raft().equals(report.raft())) {
            map =
                    propose(
                            new MetadataCommand.RegisterVolume(
                                    report.id(), report.http(), report.raft()));
        }
        lastSeen.put(report.id(), clock.getAsLong());
        hosted.put(report.id(), report.hosted());
        leading.put(report.id(), report.leading());
        return map;
    }

    /** Whether a volume server's heartbeat counts: its group count is the cluster's or unknown. */
    static boolean admits(ClusterMap map, VolumeReport report) {
        return report.groups() <= 0
                || !map.initialised()
                || VolumeAgent.groupCountMismatch(map, report.groups()) == null;
    }

    /** A coordinator asks to be known (leader only); it votes once the operator adds it. */
    public ClusterMap register(ClusterMap.Coordinator candidate) throws Exception {
        requireLeader();
        ClusterMap map = metadata.map();
        ClusterMap.Coordinator known = map.coordinators().get(candidate.id());
        boolean voting = known != null && known.voting();
        ClusterMap.Coordinator next =
                new ClusterMap.Coordinator(
                        candidate.id(), candidate.http(), candidate.raft(), voting);
        return next.equals(known) ? map : propose(new MetadataCommand.PutCoordinator(next));
    }

    /** Adds a registered coordinator to the metadata group's voting members. */
    public void addCoordinator(String id) throws Exception {
        requireLeader();
        ClusterMap.Coordinator c = metadata.map().coordinators().get(id);
        if (c == null) {
            throw new MetadataCommand.Rejected(
                    "coordinator " + id + " has not registered yet; start it first");
        }
        List<RaftPeer> members = metadata.members();
        if (members.stream().noneMatch(p -> p.getId().toString().equals(id))) {
            members.add(RaftPeer.newBuilder().setId(id).setAddress(c.raft()).build());
            changeMembers(members, c);
        }
        propose(
                new MetadataCommand.PutCoordinator(
                        new ClusterMap.Coordinator(id, c.http(), c.raft(), true)));
    }

    /**
     * Changes the metadata group's members, appending entries that change nothing meanwhile so a
     * joining member's progress stays visible to the leader (see {@link
     * RatisReplicator#noOpEntry}).
     */
    private void changeMembers(List<RaftPeer> members, ClusterMap.Coordinator unchanged)
            throws Exception {
        CompletableFuture<Void> change = metadata.changeMembers(members);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!change.isDone() && System.nanoTime() < deadline) {
            metadata.propose(new MetadataCommand.PutCoordinator(unchanged));
            Thread.sleep(500);
        }
        change.get(1, TimeUnit.SECONDS);
    }

    /** Removes a coordinator that is not the leader from the metadata group. */
    public void removeCoordinator(String id) throws Exception {
        requireLeader();
        if (id.equals(self.id())) {
            throw new MetadataCommand.Rejected(
                    "coordinator " + id + " is the leader; transfer leadership first");
        }
        List<RaftPeer> members = metadata.members();
        if (members.removeIf(p -> p.getId().toString().equals(id))) {
            changeMembers(members, self);
        }
        propose(new MetadataCommand.RemoveCoordinator(id));
    }

    public ClusterMap drainVolume(String id) throws Exception {
        requireLeader();
        return propose(new MetadataCommand.DrainVolume(id));
    }

    public ClusterMap cancelDrain(String id) throws Exception {
        requireLeader();
        return propose(new MetadataCommand.CancelDrain(id));
    }

    public ClusterMap removeVolume(String id) throws Exception {
        requireLeader();
        ClusterMap map = propose(new MetadataCommand.RemoveVolume(id));
        lastSeen.remove(id);
        hosted.remove(id);
        return map;
    }

    public void transferLeadership(String to) throws Exception {
        requireLeader();
        if (!to.equals(self.id())) {
            metadata.transferLeadership(to).get(15, TimeUnit.SECONDS);
        }
    }

    private void requireLeader() {
        if (!metadata.isLeader()) {
            throw new NotLeaderException(metadata.leaderId());
        }
    }

    /** Health of the volume servers as the leader sees them. */
    public boolean isLive(String volume) {
        return live().contains(volume);
    }

    /** How many groups each live volume server reported leading (leader only; else empty). */
    public Map<String, Integer> leaderCounts() {
        return LeaderBalancer.counts(metadata.map(), leading, live());
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        if (metadata.isLeader()) {
            // Graceful shutdown: hand the metadata group over instead of leaving it to an election.
            metadata.members().stream()
                    .map(p -> p.getId().toString())
                    .filter(id -> !id.equals(self.id()))
                    .findFirst()
                    .ifPresent(
                            next -> {
                                try {
                                    metadata.transferLeadership(next).get(5, TimeUnit.SECONDS);
                                } catch (Exception e) {
                                    LOG.infof("leadership not handed over: %s", e.getMessage());
                                }
                            });
        }
        changes.shutdownNow();
    }
}
