package dev.whispem.minikv.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whispem.minikv.node.storage.DataKey;
import dev.whispem.minikv.node.storage.InMemoryKvStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupStateMachineTest {

    private final InMemoryKvStore store = new InMemoryKvStore();
    private final GroupStateMachine sm = new GroupStateMachine(0, store);

    private static DataKey key(String k) {
        return new DataKey(0, "t", k.getBytes(StandardCharsets.UTF_8));
    }

    private Outcome apply(long now, Command c) {
        ApplyBatch b = new ApplyBatch(store);
        Outcome o = sm.apply(b, new Command.Proposal(now, c));
        b.commit(false);
        return o;
    }

    private static Command put(String k, String v, Precondition p) {
        return new Command.Put(key(k), v.getBytes(StandardCharsets.UTF_8), 0, p);
    }

    @Test
    void revisionsAdvanceOnlyOnWritesAndSurviveReopen() {
        assertThat(apply(0, put("a", "1", Precondition.NONE))).isEqualTo(new Outcome.Written(1, 1));
        assertThat(apply(0, put("a", "2", Precondition.ABSENT)))
                .isEqualTo(new Outcome.PreconditionFailed(1, 1));
        assertThat(apply(0, new Command.Delete(key("zz"), Precondition.NONE)))
                .isEqualTo(new Outcome.Deleted(false, 1));
        assertThat(apply(0, put("b", "1", Precondition.NONE))).isEqualTo(new Outcome.Written(2, 2));
        assertThat(new GroupStateMachine(0, store).revision()).isEqualTo(2);
    }

    @Test
    void deletingAnExpiredKeyRemovesItWithoutARevision() {
        apply(0, new Command.Put(key("e"), new byte[] {1}, 1_000, Precondition.NONE));
        apply(0, put("live", "1", Precondition.NONE));
        long before = sm.revision();

        // Expired at 1,000: reads as absent, so "absent" holds and nothing visible changes.
        assertThat(apply(1_000, new Command.Delete(key("e"), Precondition.ABSENT)))
                .isEqualTo(new Outcome.Deleted(false, before));
        assertThat(store.get(key("e"))).isEmpty();
        assertThat(sm.revision()).isEqualTo(before);

        // A key that has not expired fails "absent" and stays.
        assertThat(apply(1_000, new Command.Delete(key("live"), Precondition.ABSENT)))
                .isEqualTo(new Outcome.PreconditionFailed(2, before));
        assertThat(store.get(key("live"))).isPresent();
    }

    private static Command once(String idemKey, String fingerprint, long expiresAt, Command c) {
        return new Command.Idempotent(
                IdempotencyRecords.key(0, "t", idemKey),
                fingerprint.getBytes(StandardCharsets.UTF_8),
                expiresAt,
                c);
    }

    @Test
    void anIdempotentWriteAppliesOnceAndItsRetryAnswersTheFirstOutcome() {
        Outcome first = apply(0, once("r1", "f", 10_000, put("k", "1", Precondition.NONE)));
        assertThat(first).isEqualTo(new Outcome.Written(1, 1));
        apply(0, put("k", "2", Precondition.NONE)); // someone else writes meanwhile

        Outcome retry = apply(5, once("r1", "f", 10_005, put("k", "1", Precondition.NONE)));

        assertThat(retry).isEqualTo(new Outcome.Replayed(new Outcome.Written(1, 1)));
        assertThat(new String(store.get(key("k")).orElseThrow().value(), StandardCharsets.UTF_8))
                .as("the retry did not apply again")
                .isEqualTo("2");
        assertThat(sm.revision()).isEqualTo(2);
    }

    @Test
    void anIdempotencyKeyUsedForAnotherRequestIsRefusedAndChangesNothing() {
        apply(0, once("r1", "f", 10_000, put("k", "1", Precondition.NONE)));

        Outcome other = apply(1, once("r1", "g", 10_001, put("k", "9", Precondition.NONE)));

        assertThat(other).isEqualTo(new Outcome.IdempotencyKeyReused(1));
        assertThat(store.get(key("k")).orElseThrow().value())
                .isEqualTo("1".getBytes(StandardCharsets.UTF_8));
        assertThat(sm.revision()).isEqualTo(1);
    }

    @Test
    void aFailedPreconditionIsAnOutcomeTooAndReplaysAsOne() {
        apply(0, put("k", "1", Precondition.NONE));
        Command create = once("r1", "f", 10_000, put("k", "x", Precondition.ABSENT));
        assertThat(apply(0, create)).isEqualTo(new Outcome.PreconditionFailed(1, 1));
        apply(0, new Command.Delete(key("k"), Precondition.NONE));

        // The key is absent now, but the request was answered: the retry gets the same answer.
        assertThat(apply(1, create))
                .isEqualTo(new Outcome.Replayed(new Outcome.PreconditionFailed(1, 1)));
        assertThat(store.get(key("k"))).isEmpty();
    }

    @Test
    void afterItsWindowAKeyAppliesAgainAndKeysAreSeparatePerTenant() {
        apply(0, once("r1", "f", 1_000, put("k", "1", Precondition.NONE)));

        assertThat(apply(1_000, once("r1", "f", 2_000, put("k", "1", Precondition.NONE))))
                .isEqualTo(new Outcome.Written(2, 2));

        Command otherTenant =
                new Command.Idempotent(
                        IdempotencyRecords.key(0, "u", "r1"),
                        "g".getBytes(StandardCharsets.UTF_8),
                        5_000,
                        put("k", "3", Precondition.NONE));
        assertThat(apply(1_500, otherTenant)).isEqualTo(new Outcome.Written(3, 3));
    }

    @Test
    void commandsInOneApplyBatchSeeEachOther() {
        ApplyBatch b = new ApplyBatch(store);
        Outcome first = sm.apply(b, new Command.Proposal(0, put("k", "1", Precondition.ABSENT)));
        Outcome second = sm.apply(b, new Command.Proposal(0, put("k", "2", Precondition.ABSENT)));
        Outcome third =
                sm.apply(b, new Command.Proposal(0, put("k", "3", Precondition.versionEquals(1))));
        b.commit(false);
        assertThat(first).isEqualTo(new Outcome.Written(1, 1));
        assertThat(second).isEqualTo(new Outcome.PreconditionFailed(1, 1));
        assertThat(third).isEqualTo(new Outcome.Written(2, 2));
        assertThat(new String(store.get(key("k")).orElseThrow().value(), StandardCharsets.UTF_8))
                .isEqualTo("3");
    }

    @Test
    void atomicBatchIsAllOrNothing() {
        apply(0, put("x", "old", Precondition.NONE));
        Outcome failed =
                apply(
                        0,
                        new Command.Batch(
                                List.of(
                                        put("y", "new", Precondition.NONE),
                                        new Command.Delete(
                                                key("x"), Precondition.versionEquals(99))),
                                true));
        assertThat(failed).isInstanceOf(Outcome.BatchApplied.class);
        Outcome.BatchApplied fb = (Outcome.BatchApplied) failed;
        assertThat(fb.committed()).isFalse();
        assertThat(fb.results().get(0)).isInstanceOf(Outcome.NotApplied.class);
        assertThat(fb.results().get(1)).isEqualTo(new Outcome.PreconditionFailed(1, 1));
        assertThat(store.get(key("y"))).isEmpty();

        Outcome ok =
                apply(
                        0,
                        new Command.Batch(
                                List.of(
                                        put("y", "new", Precondition.ABSENT),
                                        new Command.Delete(
                                                key("x"), Precondition.versionEquals(1))),
                                true));
        Outcome.BatchApplied ob = (Outcome.BatchApplied) ok;
        assertThat(ob.committed()).isTrue();
        assertThat(ob.results())
                .containsExactly(new Outcome.Written(2, 2), new Outcome.Deleted(true, 2));
        assertThat(store.get(key("x"))).isEmpty();
    }

    @Test
    void onlyConditionalWritesAndDeletesReadTheStore() {
        ReadCountingStore counting = new ReadCountingStore(store);
        GroupStateMachine machine = new GroupStateMachine(0, counting);
        ApplyBatch b = new ApplyBatch(counting);
        machine.apply(b, new Command.Proposal(0, put("u", "1", Precondition.NONE)));
        machine.apply(
                b,
                new Command.Proposal(
                        0,
                        new Command.Batch(
                                List.of(
                                        put("v", "1", Precondition.NONE),
                                        put("w", "1", Precondition.NONE)),
                                true)));
        b.commit(false);
        assertThat(counting.reads).isZero();

        ApplyBatch c = new ApplyBatch(counting);
        assertThat(machine.apply(c, new Command.Proposal(0, put("u", "2", Precondition.ABSENT))))
                .isEqualTo(new Outcome.PreconditionFailed(1, 2));
        assertThat(
                        machine.apply(
                                c,
                                new Command.Proposal(
                                        0, new Command.Delete(key("v"), Precondition.NONE))))
                .isEqualTo(new Outcome.Deleted(true, 3));
        c.commit(false);
        assertThat(counting.reads).isEqualTo(2);
    }

    /** Counts point reads, to show which commands need the current state. */
    private static final class ReadCountingStore
            implements dev.whispem.minikv.node.storage.KvStore {
        private final dev.whispem.minikv.node.storage.KvStore inner;
        int reads;

        ReadCountingStore(dev.whispem.minikv.node.storage.KvStore inner) {
            this.inner = inner;
        }

        @Override
        public java.util.Optional<dev.whispem.minikv.node.storage.StoredValue> get(DataKey key) {
            reads++;
            return inner.get(key);
        }

        @Override
        public void write(dev.whispem.minikv.node.storage.WriteSet writes, boolean sync) {
            inner.write(writes, sync);
        }

        @Override
        public long counter(String name) {
            return inner.counter(name);
        }

        @Override
        public Scan scan(int shard, String tenant, byte[] fromInclusive, byte[] toExclusive) {
            return inner.scan(shard, tenant, fromInclusive, toExclusive);
        }

        @Override
        public void deleteShards(int[] shards, List<String> counters) {
            inner.deleteShards(shards, counters);
        }

        @Override
        public void replaceShards(
                int[] shards,
                java.util.Iterator<RawEntry> entries,
                java.util.Map<String, Long> counters) {
            inner.replaceShards(shards, entries, counters);
        }

        @Override
        public void flush() {
            inner.flush();
        }

        @Override
        public View view() {
            return inner.view();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    @Test
    void expiryIsJudgedByTheProposalClock() {
        apply(1_000, new Command.Put(key("t"), new byte[] {1}, 2_000, Precondition.NONE));
        assertThat(apply(1_500, put("t", "x", Precondition.ABSENT)))
                .isInstanceOf(Outcome.PreconditionFailed.class);
        assertThat(apply(2_000, put("t", "x", Precondition.ABSENT)))
                .isInstanceOf(Outcome.Written.class);
    }
}
