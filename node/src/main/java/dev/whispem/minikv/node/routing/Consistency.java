package dev.whispem.minikv.node.routing;

/** How fresh a read must be. */
public enum Consistency {
    /** Sees every write acknowledged before the read began (ReadIndex on the leader). */
    LINEARIZABLE,
    /** May be served by any replica and may miss recent writes. */
    STALE
}
