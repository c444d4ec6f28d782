package dev.whispem.minikv.node.replication;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * The settings of this node's Raft server, from {@link RaftConfig}: storage, timeouts, log and
 * snapshot policy, transport ({@link RatisTransport}), and the static peer list.
 */
final class RatisServerProperties {

    private RatisServerProperties() {}

    /**
     * The peers of {@code minikv.raft.peers} ({@code id=host:port}, comma-separated), or this node
     * alone when none are given.
     */
    static List<RaftPeer> peers(RaftConfig config, RaftPeerId self) {
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

    static RaftProperties of(Path raftDir, RaftConfig config) {
        RaftProperties p = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(p, List.of(raftDir.toFile()));
        GrpcConfigKeys.Server.setPort(p, config.port());
        GrpcConfigKeys.Server.setHost(p, config.bindHost().orElse(config.host()));
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.Read.setLeaderLeaseEnabled(p, config.leaderLease());
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, millis(config.electionTimeoutMinMillis()));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, millis(config.electionTimeoutMaxMillis()));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, millis(50));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p, millis(300));
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
        RaftServerConfigKeys.setStagingTimeout(p, TimeDuration.valueOf(60, TimeUnit.SECONDS));
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

    private static TimeDuration millis(long millis) {
        return TimeDuration.valueOf(millis, TimeUnit.MILLISECONDS);
    }
}
