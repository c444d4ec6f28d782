package dev.whispem.minikv.node.replication;

import java.util.Arrays;
import org.apache.ratis.protocol.Message;

/**
 * The term and outcomes of the last entries a replica applied, so that a member whose leadership
 * ended while one of its entries was pending can learn what became of that entry once the replica
 * has applied its index (decision 0123). Raft decides it: the entry applied at that index is the
 * committed one, so the same term means ours committed, and another term means ours was dropped and
 * never will apply.
 *
 * <p>A ring of fixed size indexed by log index: an entry looked up after newer ones took its slot,
 * or one the replica skipped (an installed snapshot covered it), has an unknown fate.
 */
final class RecentlyApplied {

    /** A fate and, when {@link EntryFate#COMMITTED}, the outcomes the state machine answered. */
    record Settled(EntryFate fate, Message outcomes) {
        static final Settled UNKNOWN = new Settled(EntryFate.UNKNOWN, null);
        static final Settled DROPPED = new Settled(EntryFate.DROPPED, null);
    }

    private final long[] indexes;
    private final long[] terms;
    private final Message[] outcomes;

    RecentlyApplied(int capacity) {
        indexes = new long[capacity];
        terms = new long[capacity];
        outcomes = new Message[capacity];
        Arrays.fill(indexes, -1);
    }

    /**
     * The replica applied the entry at {@code index} of {@code term}; {@code answer} is what the
     * state machine answered, or null when there is none to give (a configuration entry, a replay).
     */
    synchronized void applied(long term, long index, Message answer) {
        int slot = slot(index);
        indexes[slot] = index;
        terms[slot] = term;
        outcomes[slot] = answer;
    }

    /** What became of the entry appended at {@code index} in {@code term}, once it was applied. */
    synchronized Settled fateOf(long term, long index) {
        int slot = slot(index);
        if (indexes[slot] != index) {
            return Settled.UNKNOWN;
        }
        if (terms[slot] != term) {
            return Settled.DROPPED;
        }
        return outcomes[slot] == null
                ? Settled.UNKNOWN
                : new Settled(EntryFate.COMMITTED, outcomes[slot]);
    }

    private int slot(long index) {
        return (int) Math.floorMod(index, (long) indexes.length);
    }
}
