package dev.whispem.minikv.node.expiry;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How expired keys are found and removed ({@code minikv.expiry.*}); see {@link ExpirySweeper}. */
@ConfigMapping(prefix = "minikv.expiry")
public interface ExpiryConfig {

    /**
     * Whether the leader of each shard group removes expired keys. Off, expired keys still read as
     * absent but keep their space until overwritten or deleted.
     */
    @WithDefault("true")
    boolean enabled();

    /** Pause between two rounds of the sweep. */
    @WithDefault("1s")
    Duration interval();

    /**
     * Stored keys one round looks at, shared by the groups this node leads; a round also stops
     * after reading {@link ExpirySweeper#BYTES_PER_ROUND} of values. A full pass over a group takes
     * about {@code keys in the group / this × interval}.
     */
    @WithDefault("20000")
    int keysPerRound();
}
