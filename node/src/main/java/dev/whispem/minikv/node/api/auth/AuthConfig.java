package dev.whispem.minikv.node.api.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Authentication of the HTTP API ({@code minikv.auth.*}); see docs/api/auth.md. Off by default: a
 * standalone node is open. The operator sets {@code MINIKV_AUTH_ENABLED}, {@code
 * MINIKV_ADMIN_TOKEN} and {@code MINIKV_JWT_PUBLIC_KEY} (application.properties maps the last two).
 */
@ConfigMapping(prefix = "minikv.auth")
public interface AuthConfig {

    /** Whether every request but health, metrics and OpenAPI must carry a bearer credential. */
    @WithDefault("false")
    boolean enabled();

    /** The admin token: full access (admin, internal and data endpoints, any tenant). */
    Optional<String> adminToken();

    /** PEM ({@code BEGIN PUBLIC KEY}) of the RSA key that signs tenant JWTs (RS256). */
    Optional<String> jwtPublicKey();

    /** Optional opaque token for programs (WhispemJob): data endpoints, any tenant. */
    Optional<String> jobToken();

    /** Clock difference tolerated when checking a JWT's {@code exp} and {@code nbf}. */
    @WithDefault("30s")
    Duration clockSkew();

    /**
     * What node-to-node calls (heartbeats, forwards, snapshot fetches) send as their bearer token:
     * the admin token, which every node of a cluster is given, when auth is on; else null.
     */
    default String nodeToNodeToken() {
        return enabled() ? adminToken().orElse(null) : null;
    }
}
