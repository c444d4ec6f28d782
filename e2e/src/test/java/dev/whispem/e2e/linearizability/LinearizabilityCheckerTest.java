package dev.whispem.e2e.linearizability;

import static dev.whispem.e2e.linearizability.Operation.Outcome.FAILED;
import static dev.whispem.e2e.linearizability.Operation.Outcome.OK;
import static dev.whispem.e2e.linearizability.Operation.Outcome.UNKNOWN;
import static dev.whispem.e2e.linearizability.Operation.cas;
import static dev.whispem.e2e.linearizability.Operation.delete;
import static dev.whispem.e2e.linearizability.Operation.read;
import static dev.whispem.e2e.linearizability.Operation.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.whispem.e2e.linearizability.LinearizabilityChecker.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The checker must accept histories we know are linearizable and reject subtly broken ones. */
class LinearizabilityCheckerTest {

    private final LinearizabilityChecker checker =
            new LinearizabilityChecker(Duration.ofSeconds(10));

    private Verdict verdict(Operation... ops) {
        return checker.check(List.of(ops)).verdict();
    }

    @Test
    void sequentialHistoryIsLinearizable() {
        assertThat(
                        verdict(
                                read(1, "k", null, 0, 1),
                                write(1, "k", "a", OK, 2, 3),
                                read(2, "k", "a", 4, 5),
                                cas(2, "k", "a", "b", OK, 6, 7),
                                cas(1, "k", "a", "c", FAILED, 8, 9),
                                read(1, "k", "b", 10, 11),
                                delete(2, "k", OK, 12, 13),
                                read(1, "k", null, 14, 15)))
                .isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void concurrentReadMaySeeEitherValue() {
        // The write overlaps both reads: one sees the old value, the other the new one.
        assertThat(
                        verdict(
                                write(1, "k", "a", OK, 0, 1),
                                write(1, "k", "b", OK, 10, 20),
                                read(2, "k", "a", 11, 12),
                                read(3, "k", "b", 13, 14)))
                .isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void staleReadAfterAcknowledgedWriteIsRejected() {
        assertThat(
                        verdict(
                                write(1, "k", "a", OK, 0, 1),
                                write(1, "k", "b", OK, 2, 3),
                                read(2, "k", "a", 4, 5)))
                .isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void lostAcknowledgedWriteIsRejected() {
        // "b" was acknowledged, then every later read sees the value from before it.
        assertThat(
                        verdict(
                                write(1, "k", "a", OK, 0, 1),
                                write(2, "k", "b", OK, 2, 3),
                                read(3, "k", "a", 10, 11),
                                read(1, "k", "a", 12, 13)))
                .isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void readOfValueNeverWrittenIsRejected() {
        assertThat(verdict(write(1, "k", "a", OK, 0, 1), read(2, "k", "zzz", 2, 3)))
                .isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void readsGoingBackInTimeAreRejected() {
        // Both reads overlap the write, but once one client saw "b", a later read cannot see "a".
        assertThat(
                        verdict(
                                write(1, "k", "a", OK, 0, 1),
                                write(1, "k", "b", OK, 2, 100),
                                read(2, "k", "b", 10, 11),
                                read(3, "k", "a", 20, 21)))
                .isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void twoSuccessfulCasFromTheSameValueAreRejected() {
        assertThat(
                        verdict(
                                write(1, "k", "a", OK, 0, 1),
                                cas(2, "k", "a", "b", OK, 2, 10),
                                cas(3, "k", "a", "c", OK, 3, 11)))
                .isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void failedCasWhenItShouldHaveSucceededIsRejected() {
        assertThat(verdict(write(1, "k", "a", OK, 0, 1), cas(2, "k", "a", "b", FAILED, 2, 3)))
                .isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void writeWithUnknownOutcomeMayOrMayNotHaveHappened() {
        assertThat(
                        verdict(
                                write(1, "k", "a", OK, 0, 1),
                                write(2, "k", "b", UNKNOWN, 2, 3),
                                read(3, "k", "a", 10, 11)))
                .isEqualTo(Verdict.LINEARIZABLE);
        assertThat(
                        verdict(
                                write(1, "k", "a", OK, 0, 1),
                                write(2, "k", "b", UNKNOWN, 2, 3),
                                read(3, "k", "b", 10, 11)))
                .isEqualTo(Verdict.LINEARIZABLE);
        // ...but it cannot take effect before it was invoked.
        assertThat(
                        verdict(
                                write(1, "k", "a", OK, 0, 1),
                                read(3, "k", "b", 2, 3),
                                write(2, "k", "b", UNKNOWN, 5, 6)))
                .isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void unknownWriteCannotFlickerInAndOut() {
        // Once a read has seen the unknown write's value, a later read cannot see the value before
        // it.
        assertThat(
                        verdict(
                                write(1, "k", "a", OK, 0, 1),
                                write(2, "k", "b", UNKNOWN, 2, 3),
                                read(3, "k", "b", 10, 11),
                                read(3, "k", "a", 12, 13)))
                .isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void keysAreCheckedIndependently() {
        var result =
                checker.check(
                        List.of(
                                write(1, "x", "1", OK, 0, 1),
                                read(2, "x", "1", 2, 3),
                                write(1, "y", "1", OK, 0, 1),
                                write(1, "y", "2", OK, 2, 3),
                                read(2, "y", "1", 4, 5)));
        assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(result.keysWith(Verdict.NOT_LINEARIZABLE)).containsExactly("y");
        assertThat(result.keysWith(Verdict.LINEARIZABLE)).containsExactly("x");
    }

    @Test
    void largeConcurrentHistoryFromAnAtomicRegisterIsAccepted() {
        // A real atomic register driven by simulated clients: every history it produces is
        // linearizable.
        List<Operation> history = simulateAtomicRegister(new Random(42), 8, 400);
        var result = checker.check(history);
        assertThat(result.verdict()).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(result.operations()).isEqualTo(history.size());
    }

    @Test
    void largeHistoryWithOneCorruptedReadIsRejected() {
        List<Operation> history = new ArrayList<>(simulateAtomicRegister(new Random(7), 8, 400));
        // Replace the last read with one that saw a value that was never written.
        for (int i = history.size() - 1; i >= 0; i--) {
            Operation op = history.get(i);
            if (op.kind() == Operation.Kind.READ) {
                history.set(i, read(op.client(), op.key(), "never-written", op.call(), op.ret()));
                break;
            }
        }
        assertThat(checker.check(history).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void malformedOperationsAreRefused() {
        assertThatThrownBy(() -> write(1, "k", "a", OK, 5, 4))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> write(1, "k", "a", FAILED, 0, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Clients use a register that is atomic by construction: each operation takes effect at one
     * instant strictly inside [call, ret], which is exactly the definition of linearizable, so the
     * checker must accept whatever this produces.
     */
    private static List<Operation> simulateAtomicRegister(
            Random random, int clients, int opsPerKey) {
        List<Operation> history = new ArrayList<>();
        for (String key : List.of("a", "b", "c")) {
            String value = null;
            long effect = 0;
            int written = 0;
            long[] idleFrom = new long[clients];
            for (int i = 0; i < opsPerKey; i++) {
                // Each client has one operation in flight at a time, as real clients do; the
                // operation takes effect at an instant inside [call, ret], effects in order.
                int client = random.nextInt(clients);
                long call = idleFrom[client];
                effect = Math.max(effect, call) + 1 + random.nextInt(3);
                long ret = effect + 1 + random.nextInt(40);
                idleFrom[client] = ret + random.nextInt(3);
                switch (random.nextInt(4)) {
                    case 0 -> history.add(read(client, key, value, call, ret));
                    case 1 -> {
                        value = key + (++written);
                        history.add(write(client, key, value, OK, call, ret));
                    }
                    case 2 -> {
                        String expected =
                                random.nextBoolean() ? value : key + random.nextInt(written + 1);
                        String next = key + (++written);
                        if (Objects.equals(expected, value)) {
                            value = next;
                            history.add(cas(client, key, expected, next, OK, call, ret));
                        } else {
                            history.add(cas(client, key, expected, next, FAILED, call, ret));
                        }
                    }
                    default -> {
                        value = null;
                        history.add(delete(client, key, OK, call, ret));
                    }
                }
            }
        }
        return history;
    }
}
