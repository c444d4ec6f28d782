package dev.whispem.minikv.node.replication;

import org.apache.ratis.conf.RaftProperties;

/**
 * How Raft servers reach each other: gRPC channel, reconnection and address resolution settings.
 * Kept apart from the consensus settings because it is where network faults (healed partitions,
 * peers that come back under a new IP) are handled.
 */
final class RatisTransport {
    private RatisTransport() {}

    /** Applies the transport settings to {@code properties}. */
    static void configure(RaftProperties properties, RaftConfig config) {
        // Ratis defaults for now; see docs/testing.md (known issues) for what is being fixed here.
    }

    /** Applies the transport settings of Ratis clients (forwarding writes to a group's leader). */
    static void configureClient(RaftProperties properties, RaftConfig config) {
        // Ratis defaults for now.
    }
}
