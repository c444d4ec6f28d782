package dev.whispem.minikv.node.api.auth;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Refuses to start a node whose security settings it cannot honour: auth without its keys, and TLS
 * or encryption at rest, which this node version does not implement (serving plain HTTP or writing
 * unencrypted data when they were asked for would be worse than not starting). Runs before storage
 * is opened; Quarkus prints the single-line message of a {@link ConfigurationException} and exits.
 */
public class SecurityStartupCheck {

    void check(@Observes @Priority(1) StartupEvent event, AuthConfig auth) {
        var config = ConfigProvider.getConfig();
        boolean tls = config.getOptionalValue("minikv.tls.enabled", Boolean.class).orElse(false);
        boolean encryption =
                config.getOptionalValue("minikv.encryption.enabled", Boolean.class).orElse(false);
        refusal(auth, tls, encryption)
                .ifPresent(
                        message -> {
                            throw new ConfigurationException(message);
                        });
    }

    /** The reason not to start, as one line, or empty when the settings can be honoured. */
    static Optional<String> refusal(AuthConfig auth, boolean tls, boolean encryption) {
        List<String> problems = new ArrayList<>();
        if (tls) {
            problems.add(
                    "minikv.tls.enabled=true (MINIKV_TLS_ENABLED) but TLS is not supported by this"
                            + " node version");
        }
        if (encryption) {
            problems.add(
                    "minikv.encryption.enabled=true (MINIKV_ENCRYPTION_ENABLED) but encryption at"
                            + " rest is not supported by this node version");
        }
        if (auth.enabled()) {
            if (auth.adminToken().map(String::isBlank).orElse(true)) {
                problems.add(
                        "minikv.auth.enabled=true but no admin token is set"
                                + " (minikv.auth.admin-token, MINIKV_ADMIN_TOKEN)");
            }
            Optional<String> key = auth.jwtPublicKey().filter(k -> !k.isBlank());
            if (key.isEmpty()) {
                problems.add(
                        "minikv.auth.enabled=true but no JWT public key is set"
                                + " (minikv.auth.jwt-public-key, MINIKV_JWT_PUBLIC_KEY)");
            } else {
                try {
                    JwtVerifier.parsePublicKey(key.get());
                } catch (IllegalArgumentException e) {
                    problems.add(
                            "minikv.auth.jwt-public-key (MINIKV_JWT_PUBLIC_KEY) is unusable: "
                                    + e.getMessage());
                }
            }
        }
        if (problems.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("MiniKV node refuses to start: " + String.join("; ", problems));
    }
}
