package dev.whispem.minikv.node.replication;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How writes are made durable and replicated ({@code minikv.replication.*}). */
@ConfigMapping(prefix = "minikv.replication")
public interface ReplicationConfig {

    /** The replication engine of a standalone node. */
    enum Engine {
        /** Group commit straight into the local store, one replica, no consensus log. */
        LOCAL,
        /** Apache Ratis groups (single member in standalone). */
        RATIS
    }

    /** {@code local} (default for standalone) or {@code ratis}. */
    @WithDefault("local")
    Engine engine();

    /**
     * Number of replication groups the 256 virtual shards are packed into; must divide 256. See
     * docs/decisions/0101-shards-packed-into-raft-groups.md.
     */
    @WithDefault("8")
    int groups();

    /**
     * Whether a write is synced to disk before it is acknowledged. Only tests may turn it off;
     * acknowledged writes then do not survive a crash.
     */
    @WithDefault("true")
    boolean sync();
}
