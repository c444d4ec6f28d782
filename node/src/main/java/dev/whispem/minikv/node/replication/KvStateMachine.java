package dev.whispem.minikv.node.replication;

import dev.whispem.minikv.node.routing.ShardLayout;
import dev.whispem.minikv.node.storage.KvStore;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.jboss.logging.Logger;

/**
 * The Ratis state machine of one shard group: applies committed log entries through {@link
 * GroupStateMachine} into the shared store.
 *
 * <p>Durability comes from the Raft log (fsynced, group-committed by Ratis' log worker); storage
 * writes are therefore not synced. The applied log index is written in the same storage batch as
 * the data, so after a crash the entries the store already holds are recognised and skipped when
 * Ratis replays its log — replay is idempotent.
 *
 * <p>Snapshots (decision 0108): the data already lives in the store, so taking a snapshot flushes
 * the store and records the snapshot's term and index in a marker file of Ratis' {@link
 * SimpleStateMachineStorage}; Ratis then purges the log up to it. A follower behind the leader's
 * purged log is notified rather than sent files: it fetches the group's state from the leader over
 * HTTP ({@link SnapshotStream}), checks the whole stream, replaces the group's shards with it and
 * reports the installed term and index.
 */
final class KvStateMachine extends SnapshotStateMachine {

    private static final Logger LOG = Logger.getLogger(KvStateMachine.class);

    /** A fetched stream is downloaded to this file in the group's state machine directory. */
    static final String DOWNLOAD_FILE = "download.snapshot";

    /** A checked stream being installed; kept until the install has completed. */
    static final String INSTALL_FILE = "install.snapshot";

    private static final String MARKER_HEADER = "minikv snapshot marker v1";

    /**
     * Applied entries remembered for {@link #fateOf}: the fate of an entry is asked for as soon as
     * the replica has applied its index, so a few hundred cover any delay of the asking thread.
     */
    static final int RECENT_ENTRIES = 1024;

    private final GroupStateMachine core;
    private final int groups;
    private final PeerHttp peers;
    private final Executor installer;
    private final java.util.function.Function<byte[], CompletableFuture<byte[]>> forwarded;
    private final AppliedWaiters appliedWaiters = new AppliedWaiters();

    /** Entries this replica applied lately, for {@link #fateOf}. */
    private final RecentlyApplied recentlyApplied = new RecentlyApplied(RECENT_ENTRIES);

    /**
     * The client id of this node's own proposals, whose transactions {@link #proposedHere} keeps.
     */
    private final ClientId ownClient;

    /**
     * The transactions of this node's proposals by call id, from the leader taking the request
     * until its reply is in ({@link #takeTransaction}): the log index of an entry that was pending
     * when leadership moved is only known here.
     */
    private final Map<Long, TransactionContext> proposedHere = new ConcurrentHashMap<>();

    private volatile Path smDir;

    /**
     * @param ownClient the client id of this node's own proposals
     * @param forwarded takes commands another member forwarded ({@link ForwardedProposals}) and
     *     read-index requests ({@link LeaderReadIndex}) and batches of reads ({@link
     *     ForwardedReads}), and completes with the answer to send back
     */
    KvStateMachine(
            GroupStateMachine core,
            int groups,
            PeerHttp peers,
            Executor installer,
            ClientId ownClient,
            java.util.function.Function<byte[], CompletableFuture<byte[]>> forwarded) {
        this.core = core;
        this.ownClient = ownClient;
        this.groups = groups;
        this.peers = peers;
        this.installer = installer;
        this.forwarded = forwarded;
    }

    GroupStateMachine core() {
        return core;
    }

    /** The counter that is non-zero while group {@code group}'s shards are being replaced. */
    static String installingCounter(int group) {
        return "installing:" + group;
    }

    // ---------------------------------------------------------------- lifecycle and snapshots

    @Override
    protected void start(RaftStorage raftStorage) throws IOException {
        smDir = raftStorage.getStorageDir().getStateMachineDir().toPath();
        Files.createDirectories(smDir);
        resumeInterruptedInstall();
        load();
    }

    /** Loads the latest snapshot's term and index and the group's counters from the store. */
    @Override
    protected synchronized void load() throws IOException {
        core.reload();
        SingleFileSnapshotInfo latest = storage.loadLatestSnapshot();
        if (latest == null) {
            return;
        }
        long appliedAtSnapshot = readMarker(latest.getFile().getPath());
        if (core.appliedIndex() < appliedAtSnapshot) {
            // The store lost writes the snapshot says were durable: replaying after the snapshot
            // would build a wrong state.
            throw new IOException(
                    "group "
                            + core.group()
                            + ": the store's applied index "
                            + core.appliedIndex()
                            + " is behind snapshot "
                            + latest.getTermIndex()
                            + " (applied "
                            + appliedAtSnapshot
                            + "); drop this replica and let it be re-created");
        }
        TermIndex current = getLastAppliedTermIndex();
        if (current == null || current.compareTo(latest.getTermIndex()) < 0) {
            setLastAppliedTermIndex(latest.getTermIndex());
        }
    }

    /**
     * Makes the store durable up to the applied index and records it as the latest snapshot. Runs
     * on Ratis' apply thread, so nothing is applied meanwhile.
     */
    @Override
    public synchronized long takeSnapshot() throws IOException {
        TermIndex last = getLastAppliedTermIndex();
        if (last == null || last.getIndex() <= 0) {
            return RaftLog.INVALID_LOG_INDEX;
        }
        SnapshotInfo latest = storage.getLatestSnapshot();
        if (latest != null && latest.getIndex() >= last.getIndex()) {
            return latest.getIndex();
        }
        try {
            core.store().flush();
        } catch (RuntimeException e) {
            throw new IOException("cannot flush the store for a snapshot", e);
        }
        writeMarker(last, core.appliedIndex());
        return last.getIndex();
    }

    private void writeMarker(TermIndex at, long applied) throws IOException {
        String text =
                MARKER_HEADER
                        + "\nterm="
                        + at.getTerm()
                        + "\nindex="
                        + at.getIndex()
                        + "\napplied="
                        + applied
                        + "\n";
        SnapshotFiles.write(storage, at, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The applied index the store had reached when the marker was written. */
    private static long readMarker(Path marker) throws IOException {
        List<String> lines = Files.readAllLines(marker, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(MARKER_HEADER)) {
            throw new IOException("not a MiniKV snapshot marker: " + marker);
        }
        for (String line : lines) {
            if (line.startsWith("applied=")) {
                return Long.parseLong(line.substring("applied=".length()));
            }
        }
        throw new IOException("snapshot marker without applied index: " + marker);
    }

    // ---------------------------------------------------------------- applying entries

    @Override
    public synchronized CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        long index = entry.getIndex();
        try {
            if (index <= core.appliedIndex()) {
                // Already in storage: a replay after a restart, or an entry an installed snapshot
                // covers. Nobody waits for it.
                recentlyApplied.applied(entry.getTerm(), index, null);
                advanceApplied(entry.getTerm(), index);
                return CompletableFuture.completedFuture(Message.EMPTY);
            }
            byte[] payload = entry.getStateMachineLogEntry().getLogData().toByteArray();
            List<Command.Proposal> proposals = CommandCodec.decodeAll(payload);
            ApplyBatch batch = new ApplyBatch(core.store());
            List<Outcome> outcomes = new ArrayList<>(proposals.size());
            for (Command.Proposal p : proposals) {
                outcomes.add(core.apply(batch, p));
            }
            core.markApplied(batch, index);
            batch.commit(false);
            Message answer = Message.valueOf(ByteString.copyFrom(OutcomeCodec.encode(outcomes)));
            recentlyApplied.applied(entry.getTerm(), index, answer);
            advanceApplied(entry.getTerm(), index);
            return CompletableFuture.completedFuture(answer);
        } catch (RuntimeException e) {
            // Storage failure: the replica cannot continue safely. Fail the entry; Ratis stops
            // applying rather than skipping it.
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Configuration and other non-data entries move the applied index too. */
    @Override
    public synchronized void notifyTermIndexUpdated(long term, long index) {
        recentlyApplied.applied(term, index, null);
        advanceApplied(term, index);
    }

    /** Keeps the transactions of this node's own proposals until {@link #takeTransaction}. */
    @Override
    public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
        TransactionContext trx = super.startTransaction(request);
        if (request.getClientId().equals(ownClient)) {
            proposedHere.put(request.getCallId(), trx);
        }
        return trx;
    }

    /**
     * The transaction of this node's call {@code callId}, taken once its reply is in; null when
     * this replica never began one for it. Its log entry is null unless the log took it.
     */
    TransactionContext takeTransaction(long callId) {
        return proposedHere.remove(callId);
    }

    /**
     * What became of the entry this replica appended at {@code entry} as leader, once it has
     * applied that index: committed with its outcomes, dropped by the next leader, or unknown.
     * Completes on the thread that applied the index; fails when the replica closes first.
     */
    CompletableFuture<RecentlyApplied.Settled> fateOf(TermIndex entry) {
        return awaitApplied(entry.getIndex())
                .thenApply(applied -> recentlyApplied.fateOf(entry.getTerm(), entry.getIndex()));
    }

    /**
     * Completes once this replica has applied the log up to {@code index}, on the thread that
     * applied it (callers continue on an executor of their own).
     */
    CompletableFuture<Void> awaitApplied(long index) {
        return appliedWaiters.await(index);
    }

    @Override
    protected void setLastAppliedTermIndex(TermIndex at) {
        super.setLastAppliedTermIndex(at);
        // Ratis' constructor sets it before this class's fields exist.
        if (at != null && appliedWaiters != null) {
            appliedWaiters.applied(at.getIndex());
        }
    }

    @Override
    protected boolean updateLastAppliedTermIndex(TermIndex at) {
        boolean moved = super.updateLastAppliedTermIndex(at);
        appliedWaiters.applied(at.getIndex());
        return moved;
    }

    @Override
    public void close() throws IOException {
        appliedWaiters.close("group " + core.group() + " is closing on this node");
        super.close();
    }

    /** Moves the applied term-index forward; never back (an installed snapshot may be ahead). */
    private void advanceApplied(long term, long index) {
        TermIndex current = getLastAppliedTermIndex();
        if (current == null || index > current.getIndex()) {
            updateLastAppliedTermIndex(term, index);
        }
    }

    // ---------------------------------------------------------------- serving a snapshot

    /**
     * Writes this replica's state of the group as a {@link SnapshotStream}: a consistent store view
     * taken together with the applied term and index, so the stream holds exactly the effects of
     * the log up to that index. Returns the number of entries.
     */
    long exportTo(OutputStream out) throws IOException {
        KvStore.View view;
        TermIndex at;
        synchronized (this) {
            at = getLastAppliedTermIndex();
            if (at == null || at.getIndex() < 0) {
                throw new IllegalStateException("group " + core.group() + " has applied nothing");
            }
            view = core.store().view();
        }
        try (view) {
            int[] shards = new ShardLayout(groups).shardsOf(core.group());
            SnapshotStream.Header header =
                    new SnapshotStream.Header(
                            core.group(),
                            groups,
                            at.getTerm(),
                            at.getIndex(),
                            view.counter(GroupStateMachine.revisionCounter(core.group())));
            BufferedOutputStream buffered = new BufferedOutputStream(out, 1 << 16);
            long n = SnapshotStream.write(buffered, header, concat(view, shards));
            buffered.flush();
            return n;
        }
    }

    private static Iterator<KvStore.RawEntry> concat(KvStore.View view, int[] shards) {
        return new Iterator<>() {
            private int next;
            private Iterator<KvStore.RawEntry> current = List.<KvStore.RawEntry>of().iterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && next < shards.length) {
                    current = view.shard(shards[next++]);
                }
                return current.hasNext();
            }

            @Override
            public KvStore.RawEntry next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }

    // ---------------------------------------------------------------- installing a snapshot

    /**
     * The leader has purged the entries this replica needs: fetch the group's state from it over
     * HTTP and install it. Runs off Ratis' threads; Ratis asks again until the future completes
     * with the installed term and index.
     */
    @Override
    public CompletableFuture<TermIndex> notifyInstallSnapshotFromLeader(
            RoleInfoProto roleInfo, TermIndex firstTermIndexInLog) {
        String leader =
                RaftPeerId.valueOf(roleInfo.getFollowerInfo().getLeaderInfo().getId().getId())
                        .toString();
        LOG.infof(
                "group %d: the leader %s starts its log at %s; installing its snapshot",
                core.group(), leader, firstTermIndexInLog);
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return fetchAndInstall(leader, firstTermIndexInLog);
                    } catch (IOException e) {
                        LOG.warnf(
                                "group %d: installing a snapshot from %s failed: %s",
                                core.group(), leader, e.getMessage());
                        throw new UncheckedIOException(e);
                    }
                },
                installer);
    }

    private TermIndex fetchAndInstall(String leader, TermIndex firstInLog) throws IOException {
        Path download = smDir.resolve(DOWNLOAD_FILE);
        long start = System.nanoTime();
        peers.fetchSnapshot(leader, core.group(), download);
        SnapshotStream.Header header = verify(download);
        if (header.index() + 1 < firstInLog.getIndex()) {
            Files.deleteIfExists(download);
            throw new IOException(
                    "the snapshot ends at "
                            + header.index()
                            + ", before the leader's log starts at "
                            + firstInLog.getIndex());
        }
        long bytes = Files.size(download);
        Path install = smDir.resolve(INSTALL_FILE);
        Files.move(
                download,
                install,
                StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        SnapshotFiles.syncDirectory(smDir);
        TermIndex installed = install(install);
        LOG.infof(
                "group %d: installed snapshot %s from %s (%d bytes) in %d ms",
                core.group(), installed, leader, bytes, (System.nanoTime() - start) / 1_000_000);
        return installed;
    }

    /** Checks a whole stream file without applying anything; deletes it when it is bad. */
    private SnapshotStream.Header verify(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return SnapshotStream.verify(in, core.group(), groups);
        } catch (SnapshotStream.MalformedSnapshotException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /**
     * Replaces the group's shards with a checked stream file. A counter marks the replacement as in
     * progress until the marker of the new snapshot is durable, so a crash midway is finished at
     * the next start ({@link #resumeInterruptedInstall}) from the same file.
     */
    private synchronized TermIndex install(Path file) throws IOException {
        SnapshotStream.Header header;
        int group = core.group();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            SnapshotStream.Reader reader = SnapshotStream.read(in, group, groups);
            header = reader.header();
            core.store()
                    .write(
                            new dev.whispem.minikv.node.storage.WriteSet()
                                    .counter(installingCounter(group), header.index() + 1),
                            true);
            try {
                core.store()
                        .replaceShards(
                                new ShardLayout(groups).shardsOf(group),
                                reader,
                                Map.of(
                                        GroupStateMachine.revisionCounter(group),
                                        header.revision(),
                                        GroupStateMachine.appliedCounter(group),
                                        header.index()));
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
        TermIndex installed = TermIndex.valueOf(header.term(), header.index());
        writeMarker(installed, header.index());
        core.store()
                .write(
                        new dev.whispem.minikv.node.storage.WriteSet()
                                .counter(installingCounter(group), 0),
                        true);
        Files.deleteIfExists(file);
        storage.cleanupOldSnapshots(SnapshotFiles.RETAIN_TWO);
        core.reload();
        setLastAppliedTermIndex(installed);
        return installed;
    }

    /** Finishes an install a crash interrupted, from the checked file it was reading. */
    private void resumeInterruptedInstall() throws IOException {
        if (core.store().counter(installingCounter(core.group())) == 0) {
            return;
        }
        Path install = smDir.resolve(INSTALL_FILE);
        if (!Files.exists(install)) {
            throw new IOException(
                    "group "
                            + core.group()
                            + ": a snapshot install was interrupted and its file is gone; drop"
                            + " this replica and let it be re-created");
        }
        verify(install);
        LOG.infof("group %d: finishing an interrupted snapshot install", core.group());
        install(install);
    }

    // ---------------------------------------------------------------- reads

    /** The read barrier: after ReadIndex, answers the group's revision. */
    @Override
    public CompletableFuture<Message> query(Message request) {
        return answerOrForward(request);
    }

    @Override
    public CompletableFuture<Message> queryStale(Message request, long minIndex) {
        return answerOrForward(request);
    }

    /**
     * Forwarded commands, read-index requests and forwarded reads arrive as queries too; they
     * complete off this thread (commands once committed, reads after a read-barrier round).
     */
    private CompletableFuture<Message> answerOrForward(Message request) {
        ByteString query = request.getContent();
        if (query.isEmpty()) {
            return CompletableFuture.completedFuture(revisionMessage()); // the read barrier
        }
        byte[] content = query.toByteArray(); // the one copy of the query
        if (ForwardedProposals.isRequest(content)
                || LeaderReadIndex.isRequest(content)
                || ForwardedReads.isRequest(content)) {
            return forwarded
                    .apply(content)
                    .thenApply(answer -> Message.valueOf(ByteString.copyFrom(answer)));
        }
        return CompletableFuture.completedFuture(
                Message.valueOf(ByteString.copyFrom(ReadQuery.answer(content, core))));
    }

    private Message revisionMessage() {
        return Message.valueOf(
                ByteString.copyFrom(ByteBuffer.allocate(8).putLong(core.revision()).array()));
    }
}
