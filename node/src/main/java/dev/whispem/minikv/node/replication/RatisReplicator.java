package dev.whispem.minikv.node.replication;

import dev.whispem.minikv.node.storage.KvStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientAsynchronousProtocol;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.jboss.logging.Logger;

/**
 * The shard groups of this node as Apache Ratis groups, all hosted by one {@link RaftServer}.
 *
 * <p>Writes are submitted in-process ({@code submitClientRequestAsync}, no loopback RPC). Per
 * group, at most {@code maxInFlightPerGroup} log entries are outstanding; commands arriving
 * meanwhile are coalesced into the next entry, so one Raft round and one log fsync serve many
 * client writes. Linearizable read barriers are coalesced the same way: one ReadIndex round answers
 * every read that was waiting when it started.
 */
public final class RatisReplicator implements Replicator {

    private static final Logger LOG = Logger.getLogger(RatisReplicator.class);

    private final RaftServer server;
    private final ClientId clientId = ClientId.randomId();
    private final AtomicLong callIds = new AtomicLong();
    private final RaftGroupId[] groupIds;
    private final KvStore store;
    private final GroupStateMachine[] cores;
    private final GroupProposer[] proposers;
    private final ForwardBackoff[] forwardBackoffs;
    private final ReadBarrier[] barriers;

    /** Batches the reads of each group this node does not host for its leader. */
    private final ReadForwarder[] readForwarders;

    /**
     * Per group this node does not host, the leader a member last named to its forwarded reads
     * (null: none yet). A Ratis client keeps its first guess of the leader after a leader change.
     */
    private final java.util.concurrent.atomic.AtomicReferenceArray<RaftPeerId> leaderHints;

    private final long[] committedAtStart;
    private final RaftConfig config;
    private final CommitObserver observer;

    /** Static peers of every group (static-peer clusters), or just this node (dynamic). */
    private final List<RaftPeer> peers;

    /** Members of each group as last known: from the static list or from the shard map. */
    private final List<RaftPeer>[] groupPeers;

    private final RaftPeer self;

    /** HTTP addresses of the peers, for fetching snapshots from a group's leader. */
    private final PeerHttp peerHttp;

    /** Fetches and installs snapshots, off Ratis' threads. */
    private final java.util.concurrent.ExecutorService installer =
            java.util.concurrent.Executors.newSingleThreadExecutor(
                    Thread.ofPlatform().name("minikv-snapshot-install").daemon().factory());

    private final RaftClient[] clients;

    /**
     * Per group, the client that asks the leader for reads and read indexes: it never retries,
     * since a read that fails goes again another way.
     */
    private final RaftClient[] forwardClients;

    /**
     * Per group, the client that forwards commands to the leader: it never retries, because a
     * forwarded command carries no id the new leader could deduplicate by. Apart from {@link
     * #forwardClients} so that replacing that one after a failed read does not fail the commands in
     * flight on this one.
     */
    private final RaftClient[] proposalClients;

    /** Guards {@link #clients} and {@link #groupPeers}; never held while waiting on Ratis. */
    private final Object clientLock = new Object();

    /**
     * Serialises starting and dropping replicas, which wait on Ratis; kept apart from {@link
     * #clientLock} so requests never queue behind a group being removed.
     */
    private final Object hostingLock = new Object();

    /**
     * Completions of Ratis futures continue here, never on the Ratis thread that completed them:
     * that thread may hold Ratis locks (e.g. the ReadIndex listeners), and proposing the next entry
     * or barrier from it deadlocks against the server lock.
     */
    private final java.util.concurrent.ExecutorService submitter =
            java.util.concurrent.Executors.newFixedThreadPool(
                    4, Thread.ofPlatform().name("minikv-raft-submit-", 0).daemon().factory());

    private final java.util.concurrent.ExecutorService callbacks =
            java.util.concurrent.Executors.newFixedThreadPool(
                    2, Thread.ofPlatform().name("minikv-raft-callback-", 0).daemon().factory());

    /**
     * Ends the lingers of {@link GroupProposer}s whose writers did not come back in time, and
     * sweeps {@link #deadlines}.
     */
    private final java.util.concurrent.ScheduledExecutorService timer =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("minikv-raft-timer").daemon().factory());

    /** Bound on one proposal or read barrier; past it the outcome is unknown to the client. */
    private static final long REQUEST_TIMEOUT_SECONDS = 15;

    private static final long DEADLINE_SWEEP_MILLIS = 250;

    /**
     * Bounds every proposal, forward, read barrier and query by {@link #REQUEST_TIMEOUT_SECONDS}.
     */
    private final RequestDeadlines deadlines =
            new RequestDeadlines(
                    java.util.concurrent.TimeUnit.SECONDS.toNanos(REQUEST_TIMEOUT_SECONDS),
                    System::nanoTime);

    /** A replicator hosting every group with the static peers of {@code config}. */
    public RatisReplicator(
            KvStore store,
            int groupCount,
            Path raftDir,
            RaftConfig config,
            CommitObserver observer,
            String peerToken) {
        this(store, groupCount, raftDir, config, observer, peerToken, true, gid -> null);
    }

    /**
     * @param peerToken bearer token of snapshot fetches from peers (auth on), else null
     * @param hostAll host every group with the static peers of {@code config}; when false, groups
     *     are hosted and dropped at run time ({@link #host}, {@link #unhost}) as the shard map says
     * @param extraGroups state machines of other groups on this server (the metadata group); null
     *     for an unknown group id
     */
    @SuppressWarnings("unchecked")
    public RatisReplicator(
            KvStore store,
            int groupCount,
            Path raftDir,
            RaftConfig config,
            CommitObserver observer,
            String peerToken,
            boolean hostAll,
            java.util.function.Function<RaftGroupId, org.apache.ratis.statemachine.StateMachine>
                    extraGroups) {
        this.store = store;
        deadlines.sweepOn(timer, DEADLINE_SWEEP_MILLIS);
        this.groupPeers = new List[groupCount];
        this.config = config;
        this.observer = observer;
        this.groupIds = new RaftGroupId[groupCount];
        this.cores = new GroupStateMachine[groupCount];
        this.proposers = new GroupProposer[groupCount];
        this.forwardBackoffs = new ForwardBackoff[groupCount];
        GroupProposer.EntrySender entrySender =
                new GroupProposer.EntrySender() {
                    @Override
                    public GroupProposer.Sent send(
                            int group, byte[] payload, boolean carriesForwarded) {
                        return sendEntry(group, payload, carriesForwarded);
                    }

                    @Override
                    public void failed(int group, Throwable error) {
                        dropClientIfClosed(group, error);
                    }
                };
        this.barriers = new ReadBarrier[groupCount];
        this.readForwarders = new ReadForwarder[groupCount];
        this.leaderHints = new java.util.concurrent.atomic.AtomicReferenceArray<>(groupCount);
        this.committedAtStart = new long[groupCount];
        this.clients = new RaftClient[groupCount];
        this.forwardClients = new RaftClient[groupCount];
        this.proposalClients = new RaftClient[groupCount];
        Map<RaftGroupId, Integer> indexOf = new HashMap<>();
        for (int g = 0; g < groupCount; g++) {
            groupIds[g] = groupId(g);
            indexOf.put(groupIds[g], g);
            cores[g] = new GroupStateMachine(g, store);
            proposers[g] = new GroupProposer(g, config, entrySender, submitter, timer, observer);
            forwardBackoffs[g] = new ForwardBackoff();
            int group = g;
            barriers[g] =
                    new ReadBarrier(
                            fromEventLoop -> readRound(group, fromEventLoop), callbacks, observer);
            readForwarders[g] =
                    new ReadForwarder(
                            (batch, fromEventLoop) -> forwardReads(group, batch, fromEventLoop),
                            callbacks);
        }
        RaftPeerId selfId = RaftPeerId.valueOf(config.nodeId());
        this.peerHttp =
                new PeerHttp(PeerHttp.parse(config.peerHttp().orElse(List.of())), peerToken);
        this.peers = peers(config, selfId);
        this.self =
                peers.stream()
                        .filter(p -> p.getId().equals(selfId))
                        .findFirst()
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "minikv.raft.peers must list this node ("
                                                        + selfId
                                                        + ")"));
        for (int g = 0; g < groupCount; g++) {
            groupPeers[g] = hostAll ? peers : List.of();
        }
        RaftProperties props = properties(raftDir, config);
        try {
            server =
                    RaftServer.newBuilder()
                            .setServerId(selfId)
                            .setProperties(props)
                            .setOption(RaftStorage.StartupOption.RECOVER)
                            .setStateMachineRegistry(
                                    gid -> {
                                        Integer g = indexOf.get(gid);
                                        if (g != null) {
                                            return new KvStateMachine(
                                                    cores[g],
                                                    groupCount,
                                                    peerHttp,
                                                    installer,
                                                    request -> acceptForwarded(g, request));
                                        }
                                        var extra = extraGroups.apply(gid);
                                        if (extra == null) {
                                            throw new IllegalStateException("unknown group " + gid);
                                        }
                                        return extra;
                                    })
                            .build();
            server.start();
            List<RaftGroupId> existing = new ArrayList<>();
            server.getGroupIds().forEach(existing::add);
            for (int g = 0; g < groupCount; g++) {
                if (!hostAll) {
                    if (existing.contains(groupIds[g])) {
                        groupPeers[g] =
                                List.copyOf(
                                        server.getDivision(groupIds[g])
                                                .getRaftConf()
                                                .getCurrentPeers());
                        committedAtStart[g] =
                                server.getDivision(groupIds[g])
                                        .getRaftLog()
                                        .getLastCommittedIndex();
                    }
                    continue;
                }
                if (!existing.contains(groupIds[g])) {
                    RaftClientReply reply =
                            server.groupManagement(
                                    GroupManagementRequest.newAdd(
                                            clientId,
                                            selfId,
                                            callIds.incrementAndGet(),
                                            RaftGroup.valueOf(groupIds[g], peers)));
                    if (!reply.isSuccess()) {
                        throw new IOException("cannot create group " + g + ": " + reply);
                    }
                }
                committedAtStart[g] =
                        server.getDivision(groupIds[g]).getRaftLog().getLastCommittedIndex();
            }
            LOG.infof(
                    "Ratis server %s on %s hosts %d shard groups",
                    selfId, server.getServerRpc().getInetSocketAddress(), hostedGroups().size());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start Ratis", e);
        }
    }

    public static RaftGroupId groupId(int group) {
        return RaftGroupId.valueOf(
                UUID.nameUUIDFromBytes(
                        ("minikv-shard-group-" + group).getBytes(StandardCharsets.UTF_8)));
    }

    private static List<RaftPeer> peers(RaftConfig config, RaftPeerId self) {
        List<String> specs = config.peers().orElse(List.of());
        List<RaftPeer> peers = new ArrayList<>();
        if (specs.isEmpty()) {
            // A single-member group never dials itself; the address is informational.
            peers.add(
                    RaftPeer.newBuilder()
                            .setId(self)
                            .setAddress(config.host() + ":" + config.port())
                            .build());
            return peers;
        }
        for (String spec : specs) {
            String[] idAddr = spec.trim().split("=", 2);
            if (idAddr.length != 2) {
                throw new IllegalArgumentException(
                        "minikv.raft.peers entry must be id=host:port: " + spec);
            }
            peers.add(RaftPeer.newBuilder().setId(idAddr[0]).setAddress(idAddr[1]).build());
        }
        return peers;
    }

    private static RaftProperties properties(Path raftDir, RaftConfig config) {
        RaftProperties p = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(p, List.of(raftDir.toFile()));
        GrpcConfigKeys.Server.setPort(p, config.port());
        GrpcConfigKeys.Server.setHost(p, config.bindHost().orElse(config.host()));
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.Read.setLeaderLeaseEnabled(p, config.leaderLease());
        RaftServerConfigKeys.Rpc.setTimeoutMin(
                p,
                TimeDuration.valueOf(
                        config.electionTimeoutMinMillis(),
                        java.util.concurrent.TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(
                p,
                TimeDuration.valueOf(
                        config.electionTimeoutMaxMillis(),
                        java.util.concurrent.TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(
                p, TimeDuration.valueOf(50, java.util.concurrent.TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(
                p, TimeDuration.valueOf(300, java.util.concurrent.TimeUnit.MILLISECONDS));
        // One log entry must fit both the appender's batch and the log write buffer.
        RaftServerConfigKeys.Log.setWriteBufferSize(
                p, SizeInBytes.valueOf((config.logWriteBufferKib() + 64) + "KB"));
        SizeInBytes segment = SizeInBytes.valueOf(config.logSegmentSizeKib() + "KB");
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, segment);
        RaftServerConfigKeys.Log.setPreallocatedSize(
                p, SizeInBytes.valueOf(Math.min(4096, config.logSegmentSizeKib()) + "KB"));
        RaftServerConfigKeys.Log.Appender.setBufferByteLimit(
                p, SizeInBytes.valueOf(config.logWriteBufferKib() + "KB"));
        snapshots(p, config.snapshotEveryEntries());
        // A new member replays the whole log before a membership change commits; on a busy
        // machine that takes longer than the default (the election timeout).
        RaftServerConfigKeys.setStagingTimeout(
                p, TimeDuration.valueOf(60, java.util.concurrent.TimeUnit.SECONDS));
        RaftServerConfigKeys.Write.setElementLimit(p, 16384);
        // No commit-index entries in the log (decision 0112): each one was one more log write and
        // thread hand-off per Raft entry, about a fifth of the replicated write rate here. The
        // commit index is learned again from the leader after a restart; what is lost is only
        // applying committed entries while a majority is down for good.
        RaftServerConfigKeys.Log.setLogMetadataEnabled(p, false);
        RatisTransport.configure(p, config);
        return p;
    }

    /**
     * Snapshots every {@code every} applied entries (0: never), with the log purged up to each one
     * even if a follower still needs older entries: such a follower fetches the group's state over
     * HTTP instead ({@link KvStateMachine#notifyInstallSnapshotFromLeader}); Ratis never ships
     * snapshot files.
     */
    static void snapshots(RaftProperties p, long every) {
        RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(p, false);
        if (every <= 0) {
            RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, false);
            return;
        }
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        // Not at shutdown: the store may be closing by then, and the log replays anyway.
        RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(p, false);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, every);
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.max(1, Math.min(1024, every)));
    }

    /** HTTP addresses of the peers; the shard map keeps them current in a cluster. */
    public PeerHttp peerHttp() {
        return peerHttp;
    }

    /**
     * Writes this replica's state of {@code group} as a {@link SnapshotStream} (for a follower that
     * is behind the purged log); returns the number of entries.
     *
     * @throws IllegalStateException when the group is not hosted here
     */
    public long exportSnapshot(int group, java.io.OutputStream out) throws IOException {
        if (group < 0 || group >= groupIds.length || !hosts(group)) {
            throw new IllegalStateException("group " + group + " is not hosted here");
        }
        return shardMachine(group).exportTo(out);
    }

    /**
     * The state machine of {@code group}'s replica on this node.
     *
     * @throws IllegalStateException when the group is not hosted here
     */
    private KvStateMachine shardMachine(int group) {
        try {
            if (server.getDivision(groupIds[group]).getStateMachine()
                    instanceof KvStateMachine kv) {
                return kv;
            }
        } catch (IOException notHosted) {
            // reported below
        }
        throw new IllegalStateException("group " + group + " is not hosted here");
    }

    @Override
    public CompletableFuture<Outcome> submit(int group, Command command) {
        return proposers[group].submit(new Command.Proposal(System.currentTimeMillis(), command));
    }

    @Override
    public CompletableFuture<Long> readBarrier(int group, boolean linearizable) {
        if (!hosts(group)) {
            return CompletableFuture.failedFuture(
                    new IllegalStateException("group " + group + " is not hosted here"));
        }
        if (!linearizable) {
            return CompletableFuture.completedFuture(cores[group].revision());
        }
        return barriers[group].await();
    }

    @Override
    public GroupStateMachine stateMachine(int group) {
        return cores[group];
    }

    @Override
    public boolean isReady() {
        try {
            for (int g : hostedGroups()) {
                DivisionInfo info = server.getDivision(groupIds[g]).getInfo();
                if (info.getLeaderId() == null) {
                    return false;
                }
                if (info.isLeader() && !info.isLeaderReady()) {
                    return false;
                }
                if (info.getLastAppliedIndex() < committedAtStart[g]) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public List<String> members() {
        return peers.stream().map(p -> p.getId() + "=" + p.getAddress()).toList();
    }

    @Override
    public List<GroupStatus> groupStatus() {
        List<GroupStatus> out = new ArrayList<>();
        for (int g : hostedGroups()) {
            try {
                var d = server.getDivision(groupIds[g]);
                DivisionInfo info = d.getInfo();
                out.add(
                        new GroupStatus(
                                g,
                                info.getLeaderId() == null ? null : info.getLeaderId().toString(),
                                info.getCurrentRole().name(),
                                info.getCurrentTerm(),
                                d.getRaftLog().getLastCommittedIndex(),
                                info.getLastAppliedIndex()));
            } catch (IOException e) {
                out.add(new GroupStatus(g, null, "UNKNOWN", 0, 0, 0));
            }
        }
        return out;
    }

    /** Whether this node currently leads {@code group}. */
    public boolean isLeader(int group) {
        try {
            return server.getDivision(groupIds[group]).getInfo().isLeader();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Sends a write to the group's leader: in-process when this node leads, otherwise in one hop
     * through a Ratis client, which follows leader changes and retries with the same call id (the
     * leader's retry cache makes the retry idempotent).
     */
    private CompletableFuture<RaftClientReply> write(int group, byte[] payload) {
        if (isLeader(group)) {
            // Runs on the Ratis thread that completed the reply (the state-machine updater):
            // only inspects it, so the caller's own hop to the callback threads is the one hop.
            return send(group, payload, RaftClientRequest.writeRequestType())
                    .thenCompose(
                            reply -> {
                                if (reply.getLeaderNotReadyException() != null) {
                                    // Refused before the log took it (a new leader that has not
                                    // applied its first entry): nothing was proposed, so the
                                    // retrying client may send it. Off this Ratis thread: the
                                    // client may wait for a free slot.
                                    return offCaller(
                                            () ->
                                                    client(group)
                                                            .async()
                                                            .send(
                                                                    Message.valueOf(
                                                                            ByteString.copyFrom(
                                                                                    payload))));
                                }
                                if (reply.getException()
                                        instanceof
                                        org.apache.ratis.protocol.exceptions
                                                .LeaderSteppingDownException) {
                                    // Refused before the log took it: the leader is handing
                                    // leadership over and takes no new entries meanwhile
                                    // (Ratis checks this before appending). Nothing was proposed.
                                    return CompletableFuture.failedFuture(
                                            RefusedBeforeLog.handingOver(group));
                                }
                                if (reply.getNotLeaderException() != null) {
                                    // Possibly refused after the log took it: the leader stepped
                                    // down while the entry was pending, and a later leader may
                                    // still commit it. Sending it again, under the retrying
                                    // client's id, would apply it twice (ClusterFaultIT saw a put
                                    // applied a second time 8 s later, over newer writes).
                                    return CompletableFuture.failedFuture(
                                            new IllegalStateException(
                                                    "group "
                                                            + group
                                                            + " changed leader while the write was"
                                                            + " pending; its outcome is unknown"));
                                }
                                return CompletableFuture.completedFuture(reply);
                            });
        }
        return client(group).async().send(Message.valueOf(ByteString.copyFrom(payload)));
    }

    /**
     * The forwarding client of {@code group}. Guarded by {@link #clientLock}, which is never held
     * across a blocking call: request threads (event loops included) take it.
     */
    private RaftClient client(int group) {
        synchronized (clientLock) {
            return clientLocked(group);
        }
    }

    private RaftClient clientLocked(int group) {
        if (clients[group] == null) {
            clients[group] =
                    newClient(
                            group,
                            3,
                            RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                                    40,
                                    TimeDuration.valueOf(
                                            250, java.util.concurrent.TimeUnit.MILLISECONDS)));
        }
        return clients[group];
    }

    /**
     * The client asking {@code group}'s leader: {@link #proposalClients} for forwarded commands
     * (see {@link #forward}), {@link #forwardClients} for the rest.
     */
    private RaftClient forwardClient(int group, boolean proposals) {
        RaftClient[] kind = askers(proposals);
        synchronized (clientLock) {
            if (kind[group] == null) {
                kind[group] =
                        newClient(group, REQUEST_TIMEOUT_SECONDS - 5, RetryPolicies.noRetry());
            }
            return kind[group];
        }
    }

    private RaftClient newClient(
            int group, long timeoutSeconds, org.apache.ratis.retry.RetryPolicy retry) {
        RaftProperties p = new RaftProperties();
        RatisTransport.configureClient(p, config);
        RaftClientConfigKeys.Rpc.setRequestTimeout(
                p, TimeDuration.valueOf(timeoutSeconds, java.util.concurrent.TimeUnit.SECONDS));
        if (groupPeers[group].isEmpty()) {
            throw new IllegalStateException(
                    "group "
                            + group
                            + " has no known members on this node yet (the shard map has not"
                            + " reached it); retry");
        }
        return RaftClient.newBuilder()
                .setProperties(p)
                .setRaftGroup(RaftGroup.valueOf(groupIds[group], groupPeers[group]))
                .setRetryPolicy(retry)
                .build();
    }

    /** Submits a request to this node's Raft server; may wait, so never on an event loop. */
    private CompletableFuture<RaftClientReply> send(
            int group, byte[] payload, RaftClientRequest.Type type) {
        RaftClientRequest request =
                RaftClientRequest.newBuilder()
                        .setClientId(clientId)
                        .setServerId(server.getId())
                        .setGroupId(groupIds[group])
                        .setCallId(callIds.incrementAndGet())
                        .setMessage(Message.valueOf(ByteString.copyFrom(payload)))
                        .setType(type)
                        .build();
        try {
            return entryOf(group).submitClientRequestAsync(request);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Where this node's requests to {@code group} enter Ratis: straight into the group's division.
     * The server's own entry point first hands every request to its client executor and blocks the
     * caller until that thread has taken it, two thread switches per Raft entry and per read
     * barrier (decision 0117); our callers are already off the event loops ({@link #offCaller}, the
     * proposer's pump). The server only if a Ratis release stops exposing the division so.
     */
    private RaftClientAsynchronousProtocol entryOf(int group) throws IOException {
        return server.getDivision(groupIds[group]) instanceof RaftClientAsynchronousProtocol d
                ? d
                : server;
    }

    /**
     * Whether requests to {@code group} enter its division directly ({@link #entryOf}); false after
     * a Ratis upgrade that hides it, when every request costs two more thread switches.
     */
    boolean entersDivisionDirectly(int group) {
        try {
            return entryOf(group) != server;
        } catch (IOException notHosted) {
            return false;
        }
    }

    /**
     * Runs a Ratis call on {@link #submitter}: submitting may wait (the server joins on the
     * division's state; a client waits for a free slot among its outstanding requests), and callers
     * include HTTP event loops, which must never wait.
     */
    private <T> CompletableFuture<T> offCaller(
            java.util.function.Supplier<CompletableFuture<T>> call) {
        return CompletableFuture.supplyAsync(call, submitter).thenCompose(f -> f);
    }

    /**
     * A log entry that changes nothing. A new member whose catch-up was interrupted can sit with
     * the whole log but an unknown match index until the leader sends it another entry (heartbeats
     * do not count), so a membership change waiting for it needs the log to move.
     */
    public static byte[] noOpEntry() {
        return CommandCodec.encodeAll(
                List.of(new Command.Proposal(0, new Command.Batch(List.of(), false))));
    }

    private static RuntimeException replyFailure(RaftClientReply reply) {
        if (reply.getNotLeaderException() != null) {
            return new NotLeaderException(
                    reply.getNotLeaderException().getSuggestedLeader() == null
                            ? null
                            : reply.getNotLeaderException()
                                    .getSuggestedLeader()
                                    .getId()
                                    .toString());
        }
        return new IllegalStateException("replication failed: " + reply.getException());
    }

    /**
     * Sends one entry of {@code group}'s commands: to the leader when another member leads and
     * forwarding is on, else proposed here. Commands other members forwarded to this node as leader
     * are proposed only while it still leads; otherwise they go back to their members.
     */
    private GroupProposer.Sent sendEntry(int group, byte[] payload, boolean carriesForwarded) {
        if (carriesForwarded && !isLeader(group)) {
            return new GroupProposer.Sent(
                    CompletableFuture.failedFuture(RefusedBeforeLog.handingOver(group)), false);
        }
        RaftPeerId leader = forwardTarget(group);
        // Both ways complete on a callback thread.
        return leader == null
                ? new GroupProposer.Sent(propose(group, payload), true)
                : new GroupProposer.Sent(forward(group, leader, payload), false);
    }

    /** Makes {@code payload} a log entry: this node's own, or a client's to the leader. */
    private CompletableFuture<List<Outcome>> propose(int group, byte[] payload) {
        return deadlines
                .bound(write(group, payload))
                .handleAsync(
                        (reply, error) -> {
                            if (error != null) {
                                throw asCompletion(error);
                            }
                            if (!reply.isSuccess()) {
                                throw replyFailure(reply);
                            }
                            return OutcomeCodec.decode(
                                    reply.getMessage().getContent().toByteArray());
                        },
                        callbacks);
    }

    /**
     * The leader to hand this node's commands to, or null to propose them here (this node leads,
     * forwarding is off, the leader is unknown, or forwarding to it failed lately).
     */
    private RaftPeerId forwardTarget(int group) {
        return config.forwardToLeader() ? leaderToAsk(group) : null;
    }

    /**
     * Another member that leads {@code group}, as this node knows it, unless forwarding to it
     * failed lately; null when this node leads or the leader is unknown.
     */
    private RaftPeerId leaderToAsk(int group) {
        if (isLeader(group)) {
            return null;
        }
        RaftPeerId leader = knownLeader(group);
        if (leader == null || leader.equals(server.getId())) {
            return null;
        }
        return forwardBackoffs[group].blocks(leader) ? null : leader;
    }

    /**
     * Forwards the commands to {@code leader}, which adds them to its own proposer's queue. When it
     * turns out not to lead, nothing was proposed and they become an entry of their own. A failure
     * leaves their outcome unknown (the leader may have proposed them), so they are not retried;
     * the next commands go the retrying way until a new leader is known.
     */
    private CompletableFuture<List<Outcome>> forward(int group, RaftPeerId leader, byte[] payload) {
        return askLeader(group, leader, ForwardedProposals.request(payload))
                .handleAsync(
                        (reply, error) -> {
                            try {
                                if (error != null) {
                                    throw asCompletion(error);
                                }
                                if (!reply.isSuccess()) {
                                    throw replyFailure(reply);
                                }
                                var outcomes =
                                        ForwardedProposals.decode(
                                                reply.getMessage().getContent().toByteArray());
                                return outcomes.isPresent()
                                        ? CompletableFuture.completedFuture(outcomes.get())
                                        : propose(group, payload);
                            } catch (RefusedBeforeLog e) {
                                throw e; // the leader answered: nothing failed on the way
                            } catch (RuntimeException e) {
                                // A Ratis client closes its window to a server after a failure it
                                // does not retry; the next forward needs a new one.
                                dropForwardClient(group, true);
                                forwardBackoffs[group].failed(leader);
                                throw e;
                            }
                        },
                        callbacks)
                .thenCompose(f -> f);
    }

    /**
     * Sends {@code request} ({@link ForwardedProposals}, {@link ForwardedReads} or {@link
     * LeaderReadIndex}) to {@code leader} through the group's forwarding client, bounded by the
     * request deadline.
     *
     * <p>Forwarded commands go unordered. Ratis closes a leader's ordered client streams when it
     * steps down, failing every call in flight on them with an unknown outcome, although the old
     * leader still answers them: with their outcomes, or with {@code 'R'} when it handed leadership
     * over before proposing them. Unordered calls share no window either, so one failure does not
     * fail the others. Reads stay ordered: there a closed stream costs nothing (they go again), and
     * unordered reads sent to a leader as it stepped down went unanswered until the client's
     * timeout (10 s) in tests. The ordered way is also the fallback for a Ratis release whose
     * client is not this implementation.
     */
    private CompletableFuture<RaftClientReply> askLeader(
            int group, RaftPeerId leader, byte[] request) {
        CompletableFuture<RaftClientReply> sent;
        try {
            Message message = Message.valueOf(ByteString.copyFrom(request));
            boolean proposals = ForwardedProposals.isRequest(request);
            RaftClient client = forwardClient(group, proposals);
            sent =
                    proposals && client instanceof org.apache.ratis.client.impl.RaftClientImpl impl
                            ? org.apache.ratis.client.impl.UnorderedAsync.send(
                                    RaftClientRequest.staleReadRequestType(ANY_INDEX),
                                    message,
                                    leader,
                                    impl)
                            : client.async().sendStaleRead(message, ANY_INDEX, leader);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return deadlines.bound(sent);
    }

    /** The leader forwarding to last failed, and until when it is not tried again. */
    private static final class ForwardBackoff {
        private RaftPeerId leader;
        private long untilNanos;

        synchronized boolean blocks(RaftPeerId candidate) {
            return candidate.equals(leader) && System.nanoTime() < untilNanos;
        }

        synchronized void failed(RaftPeerId failedLeader) {
            leader = failedLeader;
            untilNanos = System.nanoTime() + FORWARD_BACKOFF_NANOS;
        }
    }

    private static java.util.concurrent.CompletionException asCompletion(Throwable t) {
        return t instanceof java.util.concurrent.CompletionException c
                ? c
                : new java.util.concurrent.CompletionException(t);
    }

    /**
     * Forwarded commands go as stale reads with no minimum index: the receiver checks leadership
     * itself, and a fresh follower (commit index -1) must answer "not leader", not fail.
     */
    private static final long ANY_INDEX = -1;

    /** How long forwarding to a leader stays off after forwarding to it failed. */
    private static final long FORWARD_BACKOFF_NANOS = 5_000_000_000L;

    /**
     * Answers commands forwarded by another member: when this node leads {@code group}, they join
     * its proposer's queue and the answer carries their outcomes once committed.
     */
    private CompletableFuture<byte[]> acceptForwarded(int group, byte[] request) {
        if (LeaderReadIndex.isRequest(request)) {
            return answerReadIndex(group);
        }
        if (ForwardedReads.isRequest(request)) {
            return answerReads(group, request);
        }
        if (!isLeader(group)) {
            return CompletableFuture.completedFuture(ForwardedProposals.notLeader());
        }
        List<Command.Proposal> proposals;
        try {
            proposals = CommandCodec.decodeAll(ForwardedProposals.proposalsOf(request));
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        List<CompletableFuture<Outcome>> outcomes = proposers[group].submitForwarded(proposals);
        return CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new))
                .handle((ignored, error) -> forwardedAnswer(outcomes));
    }

    /**
     * The answer to a forwarded batch once each command has its outcome: all of them, or {@code
     * 'R'} when none was proposed; a batch only partly proposed fails whole, its outcome unknown.
     */
    private static byte[] forwardedAnswer(List<CompletableFuture<Outcome>> outcomes) {
        if (!outcomes.isEmpty()
                && outcomes.stream()
                        .allMatch(
                                f ->
                                        f.isCompletedExceptionally()
                                                && RefusedBeforeLog.in(f.exceptionNow()))) {
            return ForwardedProposals.refused();
        }
        return ForwardedProposals.outcomes(outcomes.stream().map(CompletableFuture::join).toList());
    }

    /**
     * Sends a batch of reads of a group this node does not host to its leader ({@link
     * ForwardedReads}). Reads change nothing, so each read the leader did not answer (it did not
     * lead, the call failed, the answer outgrew its budget) goes again on its own as a Ratis
     * read-only request, which finds the leader by itself; after a failure that leader is not asked
     * again for a while, as after a failed forward.
     */
    private CompletableFuture<Void> forwardReads(
            int group, List<ReadForwarder.Read> batch, boolean fromEventLoop) {
        RaftPeerId leader = leaderToAsk(group);
        if (leader == null) {
            batch.forEach(r -> readAlone(group, r));
            return CompletableFuture.completedFuture(null);
        }
        observer.forwardedReads(batch.size());
        byte[] request =
                ForwardedReads.request(batch.stream().map(ReadForwarder.Read::query).toList());
        java.util.function.Supplier<CompletableFuture<RaftClientReply>> ask =
                () -> askLeader(group, leader, request);
        return (fromEventLoop ? offCaller(ask) : ask.get())
                .handleAsync(
                        (reply, error) -> {
                            List<ForwardedReads.Answer> answers =
                                    leaderAnswer(
                                                    group,
                                                    leader,
                                                    reply,
                                                    error,
                                                    b -> {
                                                        learnLeader(group, leader, b);
                                                        return ForwardedReads.decode(
                                                                b, batch.size());
                                                    })
                                            .orElse(
                                                    java.util.Collections.nCopies(
                                                            batch.size(),
                                                            ForwardedReads.Answer.SKIPPED_ANSWER));
                            for (int i = 0; i < batch.size(); i++) {
                                answer(group, batch.get(i), answers.get(i));
                            }
                            return null;
                        },
                        callbacks);
    }

    /**
     * Remembers the leader a member named when it answered that it does not lead ({@link
     * ForwardedReads#leaderHint}), or {@code asked} when it answered the reads.
     */
    private void learnLeader(int group, RaftPeerId asked, byte[] answer) {
        RaftPeerId named =
                ForwardedReads.leaderHint(answer)
                        .map(RaftPeerId::valueOf)
                        .filter(leader -> !leader.equals(asked)) // a stale view of its own
                        .orElse(null);
        leaderHints.set(group, ForwardedReads.isAnswer(answer) ? asked : named);
    }

    private void answer(int group, ReadForwarder.Read read, ForwardedReads.Answer answer) {
        if (answer.answered()) {
            read.answer().complete(answer.value());
        } else if (answer.skipped()) {
            readAlone(group, read);
        } else {
            read.answer()
                    .completeExceptionally(
                            new IllegalStateException(
                                    "read failed on the leader: " + answer.error()));
        }
    }

    private void readAlone(int group, ReadForwarder.Read read) {
        queryAlone(group, read.query())
                .whenComplete(
                        (bytes, error) -> {
                            if (error != null) {
                                read.answer().completeExceptionally(error);
                            } else {
                                read.answer().complete(bytes);
                            }
                        });
    }

    /**
     * Answers a batch of reads another node forwarded ({@link ForwardedReads}) when this node leads
     * {@code group}: after one round of its read barrier, which covers everything committed before
     * the batch arrived, each read against this replica.
     */
    private CompletableFuture<byte[]> answerReads(int group, byte[] request) {
        if (!isLeader(group)) {
            return CompletableFuture.completedFuture(ForwardedReads.notLeader(leaderName(group)));
        }
        List<byte[]> queries;
        try {
            queries = ForwardedReads.queriesOf(request);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return barriers[group]
                .await()
                .thenApply(
                        revision -> {
                            GroupStateMachine core = cores[group];
                            List<ForwardedReads.Answer> answers = new ArrayList<>(queries.size());
                            long bytes = 0;
                            for (byte[] q : queries) {
                                // Past the budget the answers would be left out anyway.
                                ForwardedReads.Answer a =
                                        bytes > ForwardedReads.ANSWER_BUDGET
                                                ? ForwardedReads.Answer.SKIPPED_ANSWER
                                                : answerRead(core, q);
                                bytes += a.answered() ? a.value().length : 0;
                                answers.add(a);
                            }
                            return ForwardedReads.answers(answers);
                        });
    }

    private static ForwardedReads.Answer answerRead(GroupStateMachine core, byte[] query) {
        try {
            return new ForwardedReads.Answer(ReadQuery.answer(query, core), null);
        } catch (RuntimeException e) {
            return new ForwardedReads.Answer(null, String.valueOf(e.getMessage()));
        }
    }

    /**
     * The group's leader as this node knows it: from its replica; else as a member last named it to
     * a batch of forwarded reads, else its client's guess.
     */
    private RaftPeerId knownLeader(int group) {
        try {
            return server.getDivision(groupIds[group]).getInfo().getLeaderId();
        } catch (IOException notHostedHere) {
            RaftPeerId hint = leaderHints.get(group);
            return hint != null ? hint : client(group).getLeaderId();
        }
    }

    /**
     * One read round of {@code group}, answering the group's revision once this replica has applied
     * everything committed before the round began. A follower asks the leader for its read index
     * ({@link LeaderReadIndex}) when it can; otherwise Ratis runs its own ReadIndex round. From an
     * event loop the round is sent from the submitter, which may wait on Ratis.
     */
    private CompletableFuture<Long> readRound(int group, boolean fromEventLoop) {
        RaftPeerId leader = config.readIndexFromLeader() ? leaderToAsk(group) : null;
        if (leader == null) {
            return ratisReadRound(group, fromEventLoop);
        }
        java.util.function.Supplier<CompletableFuture<Long>> ask =
                () -> readIndexFromLeader(group, leader);
        return fromEventLoop ? offCaller(ask) : ask.get();
    }

    /**
     * Asks {@code leader} for a read index, then waits until this replica has applied it. Reads
     * change nothing, so any failure falls back to Ratis' own round instead of failing them; the
     * leader is not asked again for a while, as after a failed forward.
     */
    private CompletableFuture<Long> readIndexFromLeader(int group, RaftPeerId leader) {
        return askLeader(group, leader, LeaderReadIndex.request())
                .handleAsync(
                        (reply, error) -> {
                            Optional<Long> index =
                                    leaderAnswer(
                                            group,
                                            leader,
                                            reply,
                                            error,
                                            b -> boxed(LeaderReadIndex.decode(b)));
                            if (index.isEmpty()) {
                                return ratisReadRound(group, false);
                            }
                            observer.readRound(true);
                            return deadlines
                                    .bound(shardMachine(group).awaitApplied(index.get()))
                                    .thenApply(applied -> cores[group].revision());
                        },
                        callbacks)
                .thenCompose(f -> f);
    }

    /**
     * What {@code leader} answered, decoded; empty when it did not lead, or after a failure (of the
     * call, or a malformed answer), which also keeps it from being asked again for a while unless
     * only the client had closed.
     */
    private <T> Optional<T> leaderAnswer(
            int group,
            RaftPeerId leader,
            RaftClientReply reply,
            Throwable error,
            java.util.function.Function<byte[], Optional<T>> decode) {
        try {
            if (error != null) {
                throw asCompletion(error);
            }
            if (!reply.isSuccess()) {
                throw replyFailure(reply);
            }
            return decode.apply(reply.getMessage().getContent().toByteArray());
        } catch (RuntimeException e) {
            dropForwardClient(group, false);
            if (!closedClient(e)) {
                // A closed client is no failure of the leader's (a leader stepping down closes
                // its clients' streams): the next question goes on a new client at once.
                forwardBackoffs[group].failed(leader);
                leaderHints.compareAndSet(group, leader, null);
            }
            return Optional.empty();
        }
    }

    private static Optional<Long> boxed(OptionalLong index) {
        return index.isPresent() ? Optional.of(index.getAsLong()) : Optional.empty();
    }

    /**
     * Answers a member's read-index request ({@link LeaderReadIndex}) when this node leads {@code
     * group}: the applied index after a round of its own read barrier, which covers everything
     * committed before the request arrived.
     */
    private CompletableFuture<byte[]> answerReadIndex(int group) {
        if (!isLeader(group)) {
            return CompletableFuture.completedFuture(LeaderReadIndex.notLeader());
        }
        return barriers[group]
                .await()
                .thenApply(
                        revision ->
                                LeaderReadIndex.answer(
                                        shardMachine(group).getLastAppliedTermIndex().getIndex()));
    }

    /** A Ratis ReadIndex round of {@code group} through this node's replica. */
    private CompletableFuture<Long> ratisReadRound(int group, boolean fromEventLoop) {
        observer.readRound(false);
        java.util.function.Supplier<CompletableFuture<RaftClientReply>> round =
                () -> send(group, new byte[0], RaftClientRequest.readRequestType());
        return deadlines
                .bound(fromEventLoop ? offCaller(round) : round.get())
                .thenApply(
                        reply -> {
                            if (!reply.isSuccess()) {
                                throw replyFailure(reply);
                            }
                            return java.nio.ByteBuffer.wrap(
                                            reply.getMessage().getContent().toByteArray())
                                    .getLong();
                        });
    }

    /**
     * Asks this node's Raft server to hand leadership of {@code group} to {@code newLeader} (or,
     * when null, to the follower most caught up); completes when the transfer is done or has
     * failed. Only to a follower that answered this leader within the smallest election timeout and
     * is nearly caught up: Ratis holds the group's new writes back while a transfer is under way,
     * so a transfer to a member that is down or far behind would stall them until it times out.
     */
    @Override
    public CompletableFuture<Boolean> transferLeadership(int group, String newLeader) {
        if (!isLeader(group)) {
            return CompletableFuture.failedFuture(new NotLeaderException(leaderName(group)));
        }
        List<String> ready = responsiveFollowers(group);
        String target = newLeader == null ? ready.stream().findFirst().orElse(null) : newLeader;
        if (target == null) {
            return CompletableFuture.completedFuture(false);
        }
        if (!ready.contains(target)) {
            return CompletableFuture.failedFuture(
                    new IllegalStateException(
                            target
                                    + " is not a follower of group "
                                    + group
                                    + " that answered its leader within the last "
                                    + config.electionTimeoutMinMillis()
                                    + " ms and is at most "
                                    + MAX_TRANSFER_LAG
                                    + " entries behind; leadership stays here"));
        }
        try {
            return server.transferLeadershipAsync(
                            new org.apache.ratis.protocol.TransferLeadershipRequest(
                                    clientId,
                                    server.getId(),
                                    groupIds[group],
                                    callIds.incrementAndGet(),
                                    RaftPeerId.valueOf(target),
                                    5_000))
                    .thenApply(RaftClientReply::isSuccess);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * The leader of {@code group} as this node knows it ({@link #knownLeader}), for error messages
     * and a member's "not leader" answers; null when unknown.
     */
    String leaderName(int group) {
        try {
            RaftPeerId leader = knownLeader(group);
            return leader == null ? null : leader.toString();
        } catch (RuntimeException noClientForTheGroup) {
            return null;
        }
    }

    /**
     * Most entries a transfer target may lag the leader's commit index by. Ratis waits for the
     * target to catch up before handing over, holding new writes back meanwhile; a replica
     * replaying a long log (just restarted, or just added) would keep them waiting until the
     * transfer timed out.
     */
    static final long MAX_TRANSFER_LAG = 128;

    /**
     * The followers of {@code group}, which this node leads, that may take its leadership ({@link
     * #transferTargets}).
     */
    private List<String> responsiveFollowers(int group) {
        try {
            var division = server.getDivision(groupIds[group]);
            List<FollowerState> states = FollowerState.of(division);
            return transferTargets(
                    states,
                    division.getRaftLog().getLastCommittedIndex(),
                    config.electionTimeoutMinMillis());
        } catch (IOException notHostedHere) {
            return List.of();
        }
    }

    /**
     * The followers that answered within {@code silentAfterMillis} and lag the commit index by at
     * most {@link #MAX_TRANSFER_LAG} entries, the most caught up first.
     */
    static List<String> transferTargets(
            List<FollowerState> followers, long committed, long silentAfterMillis) {
        return followers.stream()
                .filter(f -> f.lastAnsweredMillisAgo() <= silentAfterMillis)
                .filter(f -> committed - f.matchIndex() <= MAX_TRANSFER_LAG)
                .sorted(java.util.Comparator.comparingLong(FollowerState::matchIndex).reversed())
                .map(FollowerState::id)
                .toList();
    }

    public int groupCount() {
        return groupIds.length;
    }

    /** The Raft server, shared with the metadata group on coordinators. */
    public RaftServer server() {
        return server;
    }

    /** This node as a Raft peer (id and advertised address). */
    public RaftPeer self() {
        return self;
    }

    @Override
    public boolean hosts(int group) {
        try {
            server.getDivision(groupIds[group]);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The groups with a replica on this node, in group order. */
    public List<Integer> hostedGroups() {
        return groupsWhere(this::hosts);
    }

    /** The groups this node leads now, in group order. */
    public List<Integer> ledGroups() {
        return groupsWhere(this::isLeader);
    }

    private List<Integer> groupsWhere(java.util.function.IntPredicate test) {
        List<Integer> out = new ArrayList<>();
        for (int g = 0; g < groupIds.length; g++) {
            if (test.test(g)) {
                out.add(g);
            }
        }
        return out;
    }

    /**
     * Starts a replica of {@code group}. A replica of a new group starts with its full membership
     * {@code members}; one joining an existing group ({@code joining}) starts with an empty
     * configuration, so it never campaigns, and waits for the leader to add it and send it the log.
     * Its storage for the group's shards is empty: {@link #unhost} left it so.
     */
    public void host(int group, List<RaftPeer> members, boolean joining) throws IOException {
        synchronized (hostingLock) {
            hostLocked(group, members, joining);
        }
    }

    private void hostLocked(int group, List<RaftPeer> members, boolean joining) throws IOException {
        if (hosts(group)) {
            return;
        }
        cores[group] = new GroupStateMachine(group, store);
        setPeers(group, members);
        RaftClientReply reply =
                server.groupManagement(
                        GroupManagementRequest.newAdd(
                                clientId,
                                server.getId(),
                                callIds.incrementAndGet(),
                                joining
                                        ? RaftGroup.valueOf(groupIds[group])
                                        : RaftGroup.valueOf(groupIds[group], members)));
        if (!reply.isSuccess()) {
            throw new IOException("cannot host group " + group + ": " + reply);
        }
        LOG.infof("hosting group %d (%s) with %s", group, joining ? "joining" : "new", members);
    }

    /**
     * Drops this node's replica of {@code group} once it is no longer a member: the Raft log and
     * the group's shards in storage are deleted, so hosting it again later starts from nothing.
     */
    public void unhost(int group) throws IOException {
        synchronized (hostingLock) {
            unhostLocked(group);
        }
    }

    private void unhostLocked(int group) throws IOException {
        if (!hosts(group)) {
            return;
        }
        RaftClientReply reply =
                server.groupManagement(
                        GroupManagementRequest.newRemove(
                                clientId,
                                server.getId(),
                                callIds.incrementAndGet(),
                                groupIds[group],
                                true,
                                false));
        if (!reply.isSuccess()) {
            throw new IOException("cannot drop group " + group + ": " + reply);
        }
        int[] shards = new int[256 / groupIds.length];
        for (int i = 0; i < shards.length; i++) {
            shards[i] = group + i * groupIds.length;
        }
        store.deleteShards(
                shards,
                List.of(
                        GroupStateMachine.revisionCounter(group),
                        GroupStateMachine.appliedCounter(group),
                        KvStateMachine.installingCounter(group)));
        cores[group] = new GroupStateMachine(group, store);
        LOG.infof("dropped group %d", group);
    }

    /** Records where a group's members are, for forwarding to groups this node does not host. */
    public void setPeers(int group, List<RaftPeer> members) {
        synchronized (clientLock) {
            if (!members.equals(groupPeers[group])) {
                groupPeers[group] = List.copyOf(members);
                leaderHints.set(group, null);
                closeClient(group);
            }
        }
    }

    /** Forgets the group's clients; closing them (which may wait) happens on another thread. */
    private void closeClient(int group) {
        List<RaftClient> old = new ArrayList<>(3);
        synchronized (clientLock) {
            for (RaftClient[] kind : List.of(clients, forwardClients, proposalClients)) {
                if (kind[group] != null) {
                    old.add(kind[group]);
                    kind[group] = null;
                }
            }
        }
        if (!old.isEmpty()) {
            closeLater(old);
        }
    }

    private RaftClient[] askers(boolean proposals) {
        return proposals ? proposalClients : forwardClients;
    }

    private void dropForwardClient(int group, boolean proposals) {
        RaftClient[] kind = askers(proposals);
        RaftClient old;
        synchronized (clientLock) {
            old = kind[group];
            kind[group] = null;
        }
        if (old != null) {
            closeLater(List.of(old));
        }
    }

    /** Closing a client may wait for its requests; never on the caller's thread. */
    private static void closeLater(List<RaftClient> old) {
        Thread.ofPlatform()
                .daemon()
                .name("minikv-raft-client-close")
                .start(() -> old.forEach(RatisReplicator::closeQuietly));
    }

    private static void closeQuietly(RaftClient client) {
        try {
            client.close();
        } catch (IOException e) {
            LOG.debug("closing Ratis client", e);
        }
    }

    /**
     * A Ratis client that has given up (its retries exhausted while the group was unreachable)
     * stays closed; forget it so the next request builds a fresh one.
     */
    private void dropClientIfClosed(int group, Throwable error) {
        if (closedClient(error)) {
            closeClient(group);
        }
    }

    /** Whether {@code error} says the Ratis client (or its window) was closed. */
    private static boolean closedClient(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof org.apache.ratis.protocol.exceptions.AlreadyClosedException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads of a group this node does not host go to its leader in batches ({@link ReadForwarder});
     * with minikv.raft.forward-reads off, one by one as Ratis read-only requests.
     */
    @Override
    public CompletableFuture<byte[]> query(int group, byte[] query) {
        if (config.forwardReads() && !hosts(group)) {
            return readForwarders[group].read(query);
        }
        return queryAlone(group, query);
    }

    /** One query as a Ratis read-only request: the leader answers it after a ReadIndex. */
    private CompletableFuture<byte[]> queryAlone(int group, byte[] query) {
        // A Ratis client closes its window after a failure it does not retry (a leader change
        // can cause one), and the next call through it fails unsent. A read may go again, on a
        // new client: the closed one was dropped on the way. A write may not, since calls that
        // were in the window when it closed may have reached the leader.
        return queryOnce(group, query)
                .exceptionallyCompose(
                        e ->
                                !hosts(group) && closedClient(e)
                                        ? queryOnce(group, query)
                                        : CompletableFuture.failedFuture(e));
    }

    private CompletableFuture<byte[]> queryOnce(int group, byte[] query) {
        CompletableFuture<RaftClientReply> reply =
                hosts(group)
                        ? offCaller(() -> send(group, query, RaftClientRequest.readRequestType()))
                        : offCaller(
                                () ->
                                        client(group)
                                                .async()
                                                .sendReadOnly(
                                                        Message.valueOf(
                                                                ByteString.copyFrom(query))));
        return deadlines
                .bound(reply)
                .whenComplete(
                        (r, e) -> {
                            if (e != null) {
                                dropClientIfClosed(group, e);
                            }
                        })
                .thenApplyAsync(
                        r -> {
                            if (!r.isSuccess()) {
                                throw replyFailure(r);
                            }
                            return r.getMessage().getContent().toByteArray();
                        },
                        callbacks);
    }

    public String nodeId() {
        return server.getId().toString();
    }

    @Override
    public void close() {
        {
            // Graceful shutdown: hand over the groups this node leads, so clients see no election
            // timeout.
            List<CompletableFuture<Boolean>> transfers = new ArrayList<>();
            for (int g : hostedGroups()) {
                if (groupPeers[g].size() > 1 && isLeader(g)) {
                    transfers.add(transferLeadership(g, null).exceptionally(e -> false));
                }
            }
            try {
                CompletableFuture.allOf(transfers.toArray(CompletableFuture[]::new))
                        .get(6, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("leadership transfer on shutdown did not finish", e);
            }
        }
        List<RaftClient> open = new ArrayList<>();
        synchronized (clientLock) {
            for (RaftClient[] kind : List.of(clients, forwardClients, proposalClients)) {
                for (RaftClient c : kind) {
                    if (c != null) {
                        open.add(c);
                    }
                }
            }
        }
        open.forEach(RatisReplicator::closeQuietly);
        callbacks.shutdown();
        timer.shutdownNow();
        submitter.shutdown();
        installer.shutdownNow();
        try {
            server.close();
        } catch (IOException e) {
            LOG.warn("closing Ratis", e);
        }
    }
}
