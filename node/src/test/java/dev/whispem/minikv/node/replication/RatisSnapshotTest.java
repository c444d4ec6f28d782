package dev.whispem.minikv.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whispem.minikv.node.storage.DataKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three replicas in one JVM with static peers and a snapshot every few entries: logs are purged, a
 * restarted replica loads its snapshot, and a replica that missed the purged entries installs the
 * group's state from the leader over HTTP.
 */
class RatisSnapshotTest {

    private static final long EVERY = 20;

    @TempDir Path dir;

    private RaftReplicas replicas;
    private List<RaftReplicas.Node> nodes;

    @AfterEach
    void stop() {
        if (replicas != null) {
            replicas.close();
        }
    }

    private static DataKey key(int i) {
        return RaftReplicas.keyInGroup0(i);
    }

    private static Command put(int i, String v) {
        return new Command.Put(key(i), v.getBytes(StandardCharsets.UTF_8), 0, Precondition.NONE);
    }

    private static void write(RatisReplicator r, int from, int to, String prefix) throws Exception {
        for (int i = from; i < to; i++) {
            Outcome o = r.submit(0, put(i, prefix + i)).get(30, TimeUnit.SECONDS);
            assertThat(o).isInstanceOf(Outcome.Written.class);
        }
    }

    /**
     * The files under {@code raftDir}. Ratis deletes old snapshot and log files while the test
     * looks, so a walk that meets a vanished file is repeated.
     */
    private static List<Path> files(Path raftDir) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try (Stream<Path> s = Files.walk(raftDir)) {
                return s.toList();
            } catch (java.io.UncheckedIOException e) {
                if (!(e.getCause() instanceof java.nio.file.NoSuchFileException) || attempt == 5) {
                    throw e;
                }
            }
        }
    }

    private static long segmentFiles(Path raftDir) throws IOException {
        return files(raftDir).stream()
                .filter(p -> p.getFileName().toString().startsWith("log_"))
                .count();
    }

    private static List<Path> markers(Path raftDir) throws IOException {
        return files(raftDir).stream()
                .filter(p -> p.getFileName().toString().matches("snapshot\\.\\d+_\\d+"))
                .toList();
    }

    private static long logBytes(Path raftDir) throws IOException {
        return files(raftDir).stream()
                .filter(p -> p.getFileName().toString().startsWith("log_"))
                .mapToLong(
                        p -> {
                            try {
                                return Files.size(p);
                            } catch (IOException e) {
                                return 0; // deleted since the walk
                            }
                        })
                .sum();
    }

    private static void await(String what, java.util.function.BooleanSupplier done)
            throws InterruptedException {
        RaftReplicas.await(what, done);
    }

    private RatisReplicator leaderOf0() throws InterruptedException {
        return replicas.leaderOf(0).replicator;
    }

    @Test
    void logsArePurgedAndALaggingReplicaInstallsTheLeadersState() throws Exception {
        replicas = new RaftReplicas(dir, EVERY, 1, true);
        nodes = replicas.nodes;
        replicas.startAll();

        write(leaderOf0(), 0, 50, "a");
        // The follower that will lag: stopped, then everything it would need is purged.
        RaftReplicas.Node lagging =
                nodes.stream().filter(n -> !n.replicator.isLeader(0)).findFirst().orElseThrow();
        await(
                "the lagging replica caught up",
                () -> lagging.replicator.stateMachine(0).revision() == 50);
        lagging.close();

        RatisReplicator leader = leaderOf0();
        long before =
                logBytes(
                        nodes.stream()
                                .filter(n -> n.replicator == leader)
                                .findFirst()
                                .orElseThrow()
                                .raftDir());
        write(leader, 0, 400, "b");
        RaftReplicas.Node leaderNode =
                nodes.stream().filter(n -> n.replicator == leader).findFirst().orElseThrow();
        await(
                "the leader took snapshots",
                () -> {
                    try {
                        return !markers(leaderNode.raftDir()).isEmpty();
                    } catch (IOException e) {
                        return false;
                    }
                });
        long firstIndex =
                leader.server()
                        .getDivision(RatisReplicator.groupId(0))
                        .getRaftLog()
                        .getStartIndex();
        System.out.printf(
                "leader log of group 0: starts at index %d after 450 writes, %d segment files,"
                        + " %d bytes of log (was %d after 50 writes); snapshot markers %s%n",
                firstIndex,
                segmentFiles(leaderNode.raftDir()),
                logBytes(leaderNode.raftDir()),
                before,
                markers(leaderNode.raftDir()).stream().map(p -> p.getFileName()).toList());
        assertThat(firstIndex).as("the log was purged").isGreaterThan(60);
        // Two are kept; a third exists between writing the next one and the cleanup after it.
        assertThat(markers(leaderNode.raftDir())).hasSizeLessThanOrEqualTo(3);

        // The lagging replica comes back behind the purged log: it must install the snapshot.
        lagging.start().get(60, TimeUnit.SECONDS);
        await(
                "the lagging replica installed the leader's state",
                () -> lagging.replicator.stateMachine(0).revision() >= 450);
        write(leaderOf0(), 400, 410, "c");
        await(
                "the lagging replica applies entries after the snapshot",
                () -> lagging.replicator.stateMachine(0).revision() == 460);
        for (int i = 0; i < 410; i++) {
            String expected = (i < 400 ? "b" : "c") + i;
            assertThat(
                            new String(
                                    lagging.store.get(key(i)).orElseThrow().value(),
                                    StandardCharsets.UTF_8))
                    .isEqualTo(expected);
        }
        assertThat(markers(lagging.raftDir())).isNotEmpty();

        // Restarting every replica loads the snapshots and replays only the log after them.
        replicas.closeAll();
        replicas.startAll();
        write(leaderOf0(), 410, 420, "d");
        for (RaftReplicas.Node n : nodes) {
            await(
                    n.id + " caught up after restart",
                    () -> n.replicator.stateMachine(0).revision() == 470);
            assertThat(
                            new String(
                                    n.store.get(key(5)).orElseThrow().value(),
                                    StandardCharsets.UTF_8))
                    .isEqualTo("b5");
            assertThat(
                            new String(
                                    n.store.get(key(415)).orElseThrow().value(),
                                    StandardCharsets.UTF_8))
                    .isEqualTo("d415");
        }
    }
}
