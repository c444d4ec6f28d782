package dev.whispem.minikv.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After a large entry the leader's next entry waits for that entry's writers to come back
 * (minikv.raft.batch-linger-micros); writes caught in such a wait are proposed when it ends.
 */
class BatchLingerTest {

    @TempDir Path dir;

    @Test
    void onlyALargeEntryLingersAndOnlyUntilAsManyCommandsWait() {
        int large = GroupProposer.LINGER_AFTER_COMMANDS;
        assertThat(GroupProposer.lingers(2000, large, 0)).isTrue();
        assertThat(GroupProposer.lingers(2000, large, large - 1)).isTrue();
        assertThat(GroupProposer.lingers(2000, large, large)).as("writers are back").isFalse();
        assertThat(GroupProposer.lingers(2000, large - 1, 0)).as("light load").isFalse();
        assertThat(GroupProposer.lingers(0, 1000, 0)).as("linger off").isFalse();
    }

    /**
     * Entries of at most 8 commands make every full entry a large one, so a burst's last full entry
     * leaves the next writes lingering; the lone write after each burst has nobody to wait for and
     * is proposed only when the linger's timer ends it.
     */
    @Test
    void writesCaughtInALingerAreProposedWhenItEnds() throws Exception {
        try (RaftReplicas replicas =
                new RaftReplicas(dir, 0, GroupProposer.LINGER_AFTER_COMMANDS, true)) {
            replicas.batchLingerMicros = 300_000;
            replicas.startAll();
            writeBurstsThenLoneWrites(replicas);
        }
    }

    private static void writeBurstsThenLoneWrites(RaftReplicas replicas) throws Exception {
        RaftReplicas.Node leader = replicas.leaderOf(0);

        int written = 0;
        for (int round = 0; round < 3; round++) {
            List<CompletableFuture<Outcome>> burst = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                burst.add(leader.replicator.submit(0, put(written++)));
            }
            for (CompletableFuture<Outcome> f : burst) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isInstanceOf(Outcome.Written.class);
            }
            Outcome lone = leader.replicator.submit(0, put(written++)).get(30, TimeUnit.SECONDS);
            assertThat(lone).isInstanceOf(Outcome.Written.class);
        }

        long expected = written;
        for (RaftReplicas.Node n : replicas.nodes) {
            RaftReplicas.await(
                    n.id + " applied every write",
                    () -> n.replicator.stateMachine(0).revision() == expected);
        }
    }

    private static Command put(int i) {
        return new Command.Put(
                RaftReplicas.keyInGroup0(i),
                ("v" + i).getBytes(StandardCharsets.UTF_8),
                0,
                Precondition.NONE);
    }
}
