package dev.whispem.minikv.node.api;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Request size limits of the client API ({@code minikv.limits.*}); beyond them: 413. */
@ConfigMapping(prefix = "minikv.limits")
public interface LimitsConfig {

    /** Largest key, in UTF-8 bytes. */
    @WithDefault("1024")
    int maxKeyBytes();

    /** Largest value, in bytes. */
    @WithDefault("1048576")
    int maxValueBytes();

    /** Most operations in one {@code POST /v1/batch}. */
    @WithDefault("1000")
    int maxBatchOps();

    /** Largest {@code limit} of a list page. */
    @WithDefault("1000")
    int maxListLimit();

    /** {@code limit} of a list page when the request gives none. */
    @WithDefault("100")
    int defaultListLimit();
}
