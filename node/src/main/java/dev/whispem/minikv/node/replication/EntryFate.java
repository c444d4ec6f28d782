package dev.whispem.minikv.node.replication;

/**
 * What became of an entry whose leader's term ended while it was pending ({@link
 * SteppedDownEntries}).
 */
public enum EntryFate {
    /** Applied with the term it was appended at: committed. */
    COMMITTED,
    /** Another entry was applied at its index: it was not committed and never will be. */
    DROPPED,
    /** Not known here: forgotten, skipped by a snapshot, or applied in a replay. */
    UNKNOWN
}
