package dev.whispem.minikv.node.replication;

import dev.whispem.minikv.node.storage.KvStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.conf.RaftProperties;
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
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
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

    /** Bound on one proposal or read barrier; past it the outcome is unknown to the client. */
    private static final long REQUEST_TIMEOUT_SECONDS = 15;

    private static final long DEADLINE_SWEEP_MILLIS = 250;

    private final RaftServer server;
    private final ClientId clientId = ClientId.randomId();
    private final AtomicLong callIds = new AtomicLong();
    private final RaftGroupId[] groupIds;
    private final KvStore store;
    private final GroupStateMachine[] cores;
    private final GroupProposer[] proposers;
    private final long[] committedAtStart;
    private final RaftConfig config;
    private final CommitObserver observer;

    /** Static peers of every group (static-peer clusters), or just this node (dynamic). */
    private final List<RaftPeer> peers;

    private final RaftPeer self;

    /** HTTP addresses of the peers, for fetching snapshots from a group's leader. */
    private final PeerHttp peerHttp;

    /** The clients reaching other members, and the members of each group as last known. */
    private final GroupClients clients;

    private final LeaderRequests leaders;
    private final GroupReads reads;
    private final LeadershipTransfer transfers;

    private final java.util.concurrent.atomic.AtomicBoolean closing =
            new java.util.concurrent.atomic.AtomicBoolean();

    /** Why this node's own requests are refused ({@link #refuseRequests}), or null. */
    private volatile String refusal;

    /** Fetches and installs snapshots, off Ratis' threads. */
    private final java.util.concurrent.ExecutorService installer =
            java.util.concurrent.Executors.newSingleThreadExecutor(
                    Thread.ofPlatform().name("minikv-snapshot-install").daemon().factory());

    /**
     * Serialises starting and dropping replicas, which wait on Ratis; kept apart from the clients'
     * lock so requests never queue behind a group being removed.
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

    /** Sends a failed write that carries an idempotency key again (decision 0125). */
    private final KeyedResends keyedResends;

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
        this.config = config;
        this.observer = observer;
        this.keyedResends = new KeyedResends(timer, closing::get, observer);
        this.groupIds = new RaftGroupId[groupCount];
        this.cores = new GroupStateMachine[groupCount];
        this.proposers = new GroupProposer[groupCount];
        GroupProposer.EntrySender entrySender =
                new GroupProposer.EntrySender() {
                    @Override
                    public GroupProposer.Sent send(
                            int group, byte[] payload, boolean carriesForwarded) {
                        return sendEntry(group, payload, carriesForwarded);
                    }

                    @Override
                    public void failed(int group, Throwable error) {
                        clients.dropIfClosed(group, error);
                    }
                };
        this.committedAtStart = new long[groupCount];
        Map<RaftGroupId, Integer> indexOf = new HashMap<>();
        for (int g = 0; g < groupCount; g++) {
            groupIds[g] = groupId(g);
            indexOf.put(groupIds[g], g);
            cores[g] = new GroupStateMachine(g, store);
            proposers[g] = new GroupProposer(g, config, entrySender, submitter, timer, observer);
        }
        this.clients = new GroupClients(config, groupIds, REQUEST_TIMEOUT_SECONDS - 5);
        RaftPeerId selfId = RaftPeerId.valueOf(config.nodeId());
        this.peerHttp =
                new PeerHttp(PeerHttp.parse(config.peerHttp().orElse(List.of())), peerToken);
        this.peers = RatisServerProperties.peers(config, selfId);
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
        if (hostAll) {
            for (int g = 0; g < groupCount; g++) {
                clients.setMembers(g, peers);
            }
        }
        RaftPort.ensureFree(config.bindHost().orElse(config.host()), config.port());
        RaftProperties props = RatisServerProperties.of(raftDir, config);
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
                                                    clientId,
                                                    request -> acceptForwarded(g, request));
                                        }
                                        var extra = extraGroups.apply(gid);
                                        if (extra == null) {
                                            throw new IllegalStateException("unknown group " + gid);
                                        }
                                        return extra;
                                    })
                            .build();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start Ratis", e);
        }
        this.leaders = new LeaderRequests(server, groupIds, clients, deadlines, this::isLeader);
        this.reads = new GroupReads(this, config, observer, deadlines, callbacks, leaders, clients);
        this.transfers =
                new LeadershipTransfer(
                        server,
                        groupIds,
                        config,
                        clientId,
                        callIds::incrementAndGet,
                        this::isLeader,
                        leaders);
        try {
            server.start();
            List<RaftGroupId> existing = new ArrayList<>();
            server.getGroupIds().forEach(existing::add);
            for (int g = 0; g < groupCount; g++) {
                if (!hostAll) {
                    if (existing.contains(groupIds[g])) {
                        clients.setMembers(
                                g,
                                List.copyOf(
                                        server.getDivision(groupIds[g])
                                                .getRaftConf()
                                                .getCurrentPeers()));
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

    /** The state machine of {@code group}'s replica on this node, or null when there is none. */
    private KvStateMachine hostedMachineOrNull(int group) {
        try {
            return shardMachine(group);
        } catch (IllegalStateException notHosted) {
            return null;
        }
    }

    /**
     * The state machine of {@code group}'s replica on this node.
     *
     * @throws IllegalStateException when the group is not hosted here
     */
    KvStateMachine shardMachine(int group) {
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

    /**
     * Refuses the requests this node routes itself ({@link #submit}, {@link #readBarrier}, {@link
     * #query}) with {@code reason}, or accepts them again when null. Set while this node's group
     * count differs from the cluster's: it maps keys to groups by its own count, so it would send
     * writes to groups that do not hold their shards. Commands other members forward to it are
     * unaffected; they were routed by a node that agrees with the cluster.
     */
    public void refuseRequests(String reason) {
        refusal = reason;
    }

    private <T> CompletableFuture<T> refusedOrNull() {
        String reason = refusal;
        return reason == null
                ? null
                : CompletableFuture.failedFuture(
                        new IllegalStateException("this node refuses requests: " + reason));
    }

    @Override
    public CompletableFuture<Outcome> submit(int group, Command command) {
        CompletableFuture<Outcome> refused = refusedOrNull();
        if (refused != null) {
            return refused;
        }
        if (command instanceof Command.Idempotent) {
            return keyedResends.submit(
                    () ->
                            proposers[group].submit(
                                    new Command.Proposal(System.currentTimeMillis(), command)));
        }
        return proposers[group].submit(new Command.Proposal(System.currentTimeMillis(), command));
    }

    @Override
    public CompletableFuture<Long> readBarrier(int group, boolean linearizable) {
        CompletableFuture<Long> refused = refusedOrNull();
        if (refused != null) {
            return refused;
        }
        if (!hosts(group)) {
            return CompletableFuture.failedFuture(
                    new IllegalStateException("group " + group + " is not hosted here"));
        }
        if (!linearizable) {
            return CompletableFuture.completedFuture(cores[group].revision());
        }
        return reads.barrier(group);
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
            KvStateMachine machine = hostedMachineOrNull(group);
            long callId = callIds.incrementAndGet();
            // Runs on the Ratis thread that completed the reply (the state-machine updater):
            // only inspects it, so the caller's own hop to the callback threads is the one hop.
            return send(group, callId, payload, RaftClientRequest.writeRequestType())
                    .handle(
                            (reply, error) -> {
                                TransactionContext trx =
                                        machine == null ? null : machine.takeTransaction(callId);
                                return error != null
                                        ? CompletableFuture.<RaftClientReply>failedFuture(error)
                                        : answerProposal(group, payload, reply, machine, trx);
                            })
                    .thenCompose(f -> f);
        }
        return clients.retrying(group).async().send(Message.valueOf(ByteString.copyFrom(payload)));
    }

    /** The answer to an entry this node proposed as leader, given Ratis' reply. */
    private CompletableFuture<RaftClientReply> answerProposal(
            int group,
            byte[] payload,
            RaftClientReply reply,
            KvStateMachine machine,
            TransactionContext trx) {
        if (reply.getLeaderNotReadyException() != null) {
            // Refused before the log took it (a new leader that has not applied its first entry):
            // nothing was proposed, so the retrying client may send it. Off this Ratis thread: the
            // client may wait for a free slot.
            return offCaller(
                    () ->
                            clients.retrying(group)
                                    .async()
                                    .send(Message.valueOf(ByteString.copyFrom(payload))));
        }
        if (reply.getException()
                instanceof org.apache.ratis.protocol.exceptions.LeaderSteppingDownException) {
            // Refused before the log took it: the leader is handing leadership over and takes no
            // new entries meanwhile (Ratis checks this before appending). Nothing was proposed.
            return CompletableFuture.failedFuture(NeverApplied.handingOver(group));
        }
        if (reply.getNotLeaderException() != null) {
            // Possibly refused after the log took it: the leader stepped down while the entry was
            // pending, and a later leader may still commit it. Sending it again at once, under
            // the retrying client's id, would apply it twice (ClusterFaultIT saw a put applied a
            // second time 8 s later, over newer writes); the log tells which it was.
            return SteppedDownEntries.settle(group, machine, trx, observer);
        }
        return CompletableFuture.completedFuture(reply);
    }

    /** Submits a request to this node's Raft server; may wait, so never on an event loop. */
    CompletableFuture<RaftClientReply> send(
            int group, byte[] payload, RaftClientRequest.Type type) {
        return send(group, callIds.incrementAndGet(), payload, type);
    }

    private CompletableFuture<RaftClientReply> send(
            int group, long callId, byte[] payload, RaftClientRequest.Type type) {
        RaftClientRequest request =
                RaftClientRequest.newBuilder()
                        .setClientId(clientId)
                        .setServerId(server.getId())
                        .setGroupId(groupIds[group])
                        .setCallId(callId)
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
    <T> CompletableFuture<T> offCaller(java.util.function.Supplier<CompletableFuture<T>> call) {
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

    /**
     * Sends one entry of {@code group}'s commands: to the leader when another member leads and
     * forwarding is on, else proposed here. Commands other members forwarded to this node as leader
     * are proposed only while it still leads; otherwise they go back to their members.
     */
    private GroupProposer.Sent sendEntry(int group, byte[] payload, boolean carriesForwarded) {
        if (carriesForwarded && !isLeader(group)) {
            return new GroupProposer.Sent(
                    CompletableFuture.failedFuture(NeverApplied.handingOver(group)), false);
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
                        (reply, error) -> OutcomeCodec.decode(RaftReplies.content(reply, error)),
                        callbacks);
    }

    /**
     * The leader to hand this node's commands to, or null to propose them here (this node leads,
     * forwarding is off, the leader is unknown, or forwarding to it failed lately).
     */
    private RaftPeerId forwardTarget(int group) {
        return config.forwardToLeader() ? leaders.leaderToAsk(group) : null;
    }

    /**
     * Forwards the commands to {@code leader}, which adds them to its own proposer's queue. When it
     * turns out not to lead, nothing was proposed and they become an entry of their own. A failure
     * leaves their outcome unknown (the leader may have proposed them), so they are not retried;
     * the next commands go the retrying way until a new leader is known. Except a forward that
     * failed unsent because its client had closed: that is sent again, on a new client.
     */
    private CompletableFuture<List<Outcome>> forward(int group, RaftPeerId leader, byte[] payload) {
        return leaders.ask(group, leader, ForwardedProposals.request(payload))
                .handleAsync(
                        (reply, error) -> {
                            try {
                                var outcomes =
                                        ForwardedProposals.decode(
                                                RaftReplies.content(reply, error));
                                return outcomes.isPresent()
                                        ? CompletableFuture.completedFuture(outcomes.get())
                                        : propose(group, payload);
                            } catch (NeverApplied e) {
                                throw e; // the leader answered: nothing failed on the way
                            } catch (RuntimeException e) {
                                // A Ratis client closes its window to a server after a failure it
                                // does not retry; the next forward needs a new one.
                                clients.dropAsker(group, true);
                                if (GroupClients.failedUnsent(e)) {
                                    // Only the client had closed (a leader stepping down closes
                                    // its streams): no failure of the leader's, and nothing
                                    // reached it, since the forwarding client makes no earlier
                                    // attempt. These were most of the errors left in a rolling
                                    // restart of the leader.
                                    throw NeverApplied.unsent(group, leader.toString());
                                }
                                leaders.failed(group, leader);
                                throw e;
                            }
                        },
                        callbacks)
                .thenCompose(f -> f);
    }

    /**
     * Answers commands forwarded by another member: when this node leads {@code group}, they join
     * its proposer's queue and the answer carries their outcomes once committed.
     */
    private CompletableFuture<byte[]> acceptForwarded(int group, byte[] request) {
        if (LeaderReadIndex.isRequest(request)) {
            return reads.answerReadIndex(group);
        }
        if (ForwardedReads.isRequest(request)) {
            return reads.answerReads(group, request);
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
                                                && NeverApplied.in(f.exceptionNow()))) {
            return ForwardedProposals.refused();
        }
        return ForwardedProposals.outcomes(outcomes.stream().map(CompletableFuture::join).toList());
    }

    /**
     * Hands leadership of {@code group}, which this node leads, to {@code newLeader} or, when null,
     * to the follower most caught up ({@link LeadershipTransfer}).
     */
    @Override
    public CompletableFuture<Boolean> transferLeadership(int group, String newLeader) {
        return transfers.transfer(group, newLeader);
    }

    /**
     * The leader of {@code group} as this node knows it, for error messages and a member's "not
     * leader" answers; null when unknown.
     */
    String leaderName(int group) {
        return leaders.leaderName(group);
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

    public void setPeers(int group, List<RaftPeer> members) {
        if (clients.setMembers(group, members)) {
            leaders.forgetHint(group);
        }
    }

    @Override
    public CompletableFuture<byte[]> query(int group, byte[] query) {
        CompletableFuture<byte[]> refused = refusedOrNull();
        if (refused != null) {
            return refused;
        }
        return reads.query(group, query);
    }

    /**
     * Graceful shutdown: hands over the groups this node leads, so clients see no election timeout.
     */
    private void handLeadershipOver() {
        List<CompletableFuture<Boolean>> transfers = new ArrayList<>();
        for (int g : hostedGroups()) {
            if (clients.members(g).size() > 1 && isLeader(g)) {
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

    /**
     * Waits a moment for the entries still in flight: those pending when leadership moved learn
     * their fate only once this replica applies the next leader's entries (decision 0123), and
     * those dropped go to the next leader. Closing at once would leave them, and the writes other
     * members forwarded here, with an unknown outcome.
     */
    private void awaitProposersIdle() {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        for (GroupProposer p : proposers) {
            while (!p.idle() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    public String nodeId() {
        return server.getId().toString();
    }

    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return; // closed once on shutdown in order, then by its disposer
        }
        handLeadershipOver();
        awaitProposersIdle();
        clients.closeAll();
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
