package dev.whispem.minikv.node.cluster;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whispem.minikv.node.replication.SnapshotFiles;
import dev.whispem.minikv.node.replication.SnapshotStateMachine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.jboss.logging.Logger;

/**
 * The metadata group's state machine: applies {@link MetadataCommand}s (JSON log entries) to the
 * {@link ClusterMap}, kept in memory.
 *
 * <p>Snapshots: the map is small, so a snapshot is the whole map written to one file ({@link
 * MetadataSnapshot}) at the threshold the node's shard groups use ({@code
 * minikv.raft.snapshot-every-entries}); Ratis then purges the log up to it, and a restart loads the
 * snapshot and replays only the log after it. The node's Raft server never ships snapshot files
 * (decision 0108), so a coordinator behind the purged log is notified instead and fetches a
 * snapshot from another coordinator over HTTP ({@code GET /v1/internal/metadata/snapshot}). Any
 * coordinator's applied map is a state the group went through, so any that has applied up to where
 * the leader's log starts will do.
 */
final class MetadataStateMachine extends SnapshotStateMachine {

    private static final Logger LOG = Logger.getLogger(MetadataStateMachine.class);

    static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** Where a coordinator behind the purged log gets a snapshot from. */
    @FunctionalInterface
    interface SnapshotSource {
        /**
         * A snapshot at {@code atLeastIndex} or later.
         *
         * @throws IOException when no coordinator could give one
         */
        MetadataSnapshot fetch(long atLeastIndex) throws IOException;
    }

    private final Executor installer =
            Executors.newSingleThreadExecutor(
                    r -> {
                        Thread t = new Thread(r, "minikv-metadata-snapshot-install");
                        t.setDaemon(true);
                        return t;
                    });
    private volatile SnapshotSource source;
    private volatile ClusterMap map = ClusterMap.empty();

    ClusterMap map() {
        return map;
    }

    void snapshotSource(SnapshotSource source) {
        this.source = source;
    }

    /** This replica's map with the log position it reflects. */
    synchronized MetadataSnapshot current() {
        TermIndex last = getLastAppliedTermIndex();
        return last == null
                ? new MetadataSnapshot(0, 0, map)
                : new MetadataSnapshot(last.getTerm(), last.getIndex(), map);
    }

    // ---------------------------------------------------------------- lifecycle and snapshots

    @Override
    protected synchronized void load() throws IOException {
        SingleFileSnapshotInfo latest = storage.loadLatestSnapshot();
        if (latest == null) {
            return;
        }
        MetadataSnapshot s =
                MetadataSnapshot.decode(Files.readAllBytes(latest.getFile().getPath()));
        TermIndex at = latest.getTermIndex();
        if (s.term() != at.getTerm() || s.index() != at.getIndex()) {
            throw new IOException(
                    "metadata snapshot file "
                            + latest.getFile().getPath()
                            + " holds "
                            + TermIndex.valueOf(s.term(), s.index())
                            + ", not what its name says");
        }
        map = s.map();
        setLastAppliedTermIndex(at);
        LOG.infof("metadata map loaded from snapshot %s (epoch %d)", at, map.epoch());
    }

    @Override
    public long takeSnapshot() throws IOException {
        MetadataSnapshot s = current();
        if (s.index() <= 0) {
            return RaftLog.INVALID_LOG_INDEX;
        }
        SnapshotInfo latest = storage.getLatestSnapshot();
        if (latest != null && latest.getIndex() >= s.index()) {
            return latest.getIndex();
        }
        SnapshotFiles.write(storage, TermIndex.valueOf(s.term(), s.index()), s.encode());
        return s.index();
    }

    /**
     * The leader has purged entries this coordinator needs: take a snapshot from another
     * coordinator. Runs off Ratis' threads; Ratis asks again while the future fails.
     */
    @Override
    public CompletableFuture<TermIndex> notifyInstallSnapshotFromLeader(
            RoleInfoProto roleInfo, TermIndex firstTermIndexInLog) {
        SnapshotSource from = source;
        long needed = Math.max(0, firstTermIndexInLog.getIndex() - 1);
        LOG.infof(
                "metadata group: the leader's log starts at %s; fetching a snapshot at index %d"
                        + " or later",
                firstTermIndexInLog, needed);
        if (from == null) {
            return CompletableFuture.failedFuture(
                    new IOException("no coordinators known to fetch a metadata snapshot from"));
        }
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return install(from.fetch(needed));
                    } catch (IOException e) {
                        LOG.warnf(
                                "metadata group: installing a snapshot failed: %s", e.getMessage());
                        throw new UncheckedIOException(e);
                    }
                },
                installer);
    }

    private synchronized TermIndex install(MetadataSnapshot s) throws IOException {
        TermIndex at = TermIndex.valueOf(s.term(), s.index());
        SnapshotFiles.write(storage, at, s.encode());
        storage.cleanupOldSnapshots(SnapshotFiles.RETAIN_TWO);
        map = s.map();
        setLastAppliedTermIndex(at);
        LOG.infof("metadata group: installed snapshot %s (epoch %d)", at, map.epoch());
        return at;
    }

    // ---------------------------------------------------------------- applying entries

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        String reply;
        // The map and the applied position change together, so a snapshot never pairs a map with
        // the wrong index.
        synchronized (this) {
            try {
                MetadataCommand command =
                        JSON.readValue(
                                entry.getStateMachineLogEntry().getLogData().toByteArray(),
                                MetadataCommand.class);
                map = command.applyTo(map);
                reply = JSON.writeValueAsString(Map.of("epoch", map.epoch()));
            } catch (MetadataCommand.Rejected e) {
                reply = json(Map.of("rejected", e.getMessage()));
            } catch (IOException e) {
                // Cannot happen for entries we proposed; an unreadable one changes nothing.
                reply = json(Map.of("rejected", "unreadable command: " + e.getMessage()));
            }
            updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        }
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFromUtf8(reply)));
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        return CompletableFuture.completedFuture(
                Message.valueOf(ByteString.copyFromUtf8(json(map))));
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
