package dev.whispem.minikv.node.api;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Idempotency keys on writes ({@code minikv.idempotency.*}, decision 0125). */
@ConfigMapping(prefix = "minikv.idempotency")
public interface IdempotencyConfig {

    /**
     * Whether writes accept an {@code Idempotency-Key}. Set it to {@code false} on every node while
     * rolling a cluster from a release without idempotency keys: an older replica cannot apply the
     * log entries that carry one. With {@code false} a write sending the header is refused (501),
     * never silently applied without the guarantee it asked for.
     */
    @WithDefault("true")
    boolean enabled();

    /** How long the outcome of a write sent with a key answers retries of it. */
    @WithDefault("10m")
    Duration window();
}
