package dev.whispem.e2e.linearizability;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Decides whether a recorded history of register operations is linearizable, key by key.
 *
 * <p>The search is Wing &amp; Gong's, with the two improvements Porcupine made practical: memoising
 * (set of linearized operations, state) pairs already explored, so equivalent interleavings are
 * searched once, and P-compositionality — a history is linearizable iff its restriction to each key
 * is, so each key is checked on its own small history.
 *
 * <p>The history becomes a list of call and return events in time order. Walking it, a call whose
 * operation is legal in the current state is tentatively linearized (removed with its return, state
 * advanced, pushed on a stack); meeting a return means the operation it closes should already have
 * been linearized, so the search backtracks to the last choice. An empty list means every operation
 * found its place.
 */
public final class LinearizabilityChecker {

    public enum Verdict {
        LINEARIZABLE,
        NOT_LINEARIZABLE,
        /** The search did not finish within the time budget. */
        UNKNOWN
    }

    /** The verdict for a whole history, and per key. */
    public record Result(Verdict verdict, Map<String, Verdict> perKey, int operations) {
        public List<String> keysWith(Verdict v) {
            return perKey.entrySet().stream()
                    .filter(e -> e.getValue() == v)
                    .map(Map.Entry::getKey)
                    .toList();
        }
    }

    private final Duration budgetPerKey;

    public LinearizabilityChecker(Duration budgetPerKey) {
        this.budgetPerKey = Objects.requireNonNull(budgetPerKey);
    }

    public Result check(List<Operation> history) {
        Map<String, List<Operation>> byKey = new LinkedHashMap<>();
        for (Operation op : history) {
            byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
        }
        Map<String, Verdict> perKey = new LinkedHashMap<>();
        Verdict overall = Verdict.LINEARIZABLE;
        for (var entry : byKey.entrySet()) {
            Verdict v = checkKey(entry.getValue());
            perKey.put(entry.getKey(), v);
            if (v == Verdict.NOT_LINEARIZABLE) {
                overall = Verdict.NOT_LINEARIZABLE;
            } else if (v == Verdict.UNKNOWN && overall == Verdict.LINEARIZABLE) {
                overall = Verdict.UNKNOWN;
            }
        }
        return new Result(overall, perKey, history.size());
    }

    /** A node of the doubly linked event list; a call knows its matching return. */
    private static final class Event {
        final int id;
        final boolean isCall;
        final Operation op;
        Event match;
        Event prev;
        Event next;

        Event(int id, boolean isCall, Operation op) {
            this.id = id;
            this.isCall = isCall;
            this.op = op;
        }
    }

    private record Explored(BitSet linearized, String state) {}

    private record Choice(Event call, String stateBefore) {}

    Verdict checkKey(List<Operation> ops) {
        Event head = eventList(ops);
        long deadline = System.nanoTime() + budgetPerKey.toNanos();
        Set<Explored> explored = new HashSet<>();
        Deque<Choice> stack = new ArrayDeque<>();
        BitSet linearized = new BitSet(ops.size());
        String state = null;
        Event entry = head.next;
        long steps = 0;
        while (head.next != null) {
            if ((++steps & 0xFFF) == 0 && System.nanoTime() > deadline) {
                return Verdict.UNKNOWN;
            }
            if (entry.isCall) {
                RegisterModel.Step step = RegisterModel.step(state, entry.op);
                if (step.legal()) {
                    BitSet after = (BitSet) linearized.clone();
                    after.set(entry.id);
                    if (explored.add(new Explored(after, step.next()))) {
                        stack.push(new Choice(entry, state));
                        state = step.next();
                        linearized.set(entry.id);
                        lift(entry);
                        entry = head.next;
                        continue;
                    }
                }
                entry = entry.next;
            } else {
                if (stack.isEmpty()) {
                    return Verdict.NOT_LINEARIZABLE;
                }
                Choice last = stack.pop();
                state = last.stateBefore();
                linearized.clear(last.call().id);
                unlift(last.call());
                entry = last.call().next;
            }
        }
        return Verdict.LINEARIZABLE;
    }

    /** Events sorted by time; at equal times calls come first (the operations overlap). */
    private static Event eventList(List<Operation> ops) {
        record Timed(long time, Event event) {}
        List<Timed> timed = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            Operation op = ops.get(i);
            Event call = new Event(i, true, op);
            Event ret = new Event(i, false, op);
            call.match = ret;
            timed.add(new Timed(op.call(), call));
            timed.add(new Timed(op.effectiveReturn(), ret));
        }
        timed.sort(
                Comparator.comparingLong(Timed::time).thenComparing(t -> t.event().isCall ? 0 : 1));
        Event head = new Event(-1, false, null);
        Event tail = head;
        for (Timed t : timed) {
            tail.next = t.event();
            t.event().prev = tail;
            tail = t.event();
        }
        return head;
    }

    /**
     * Removes a call and its return from the list (their neighbours keep pointing back at them).
     */
    private static void lift(Event call) {
        call.prev.next = call.next;
        if (call.next != null) {
            call.next.prev = call.prev;
        }
        Event ret = call.match;
        ret.prev.next = ret.next;
        if (ret.next != null) {
            ret.next.prev = ret.prev;
        }
    }

    /** Puts a lifted call and return back, in the reverse order of {@link #lift}. */
    private static void unlift(Event call) {
        Event ret = call.match;
        ret.prev.next = ret;
        if (ret.next != null) {
            ret.next.prev = ret;
        }
        call.prev.next = call;
        if (call.next != null) {
            call.next.prev = call;
        }
    }
}
