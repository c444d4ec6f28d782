package dev.whispem.minikv.node.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When the node refuses to start over its security settings. */
class SecurityStartupCheckTest {

    private record Auth(
            boolean enabled,
            Optional<String> adminToken,
            Optional<String> jwtPublicKey,
            Optional<String> jobToken)
            implements AuthConfig {
        @Override
        public Duration clockSkew() {
            return Duration.ofSeconds(30);
        }
    }

    private static final Auth OFF =
            new Auth(false, Optional.empty(), Optional.empty(), Optional.empty());

    private static String pem() {
        return TestJwts.publicPem(TestJwts.generate().getPublic());
    }

    @Test
    void defaultsStart() {
        assertThat(SecurityStartupCheck.refusal(OFF, false, false)).isEmpty();
    }

    @Test
    void authWithBothKeysStarts() {
        Auth auth = new Auth(true, Optional.of("t"), Optional.of(pem()), Optional.empty());
        assertThat(SecurityStartupCheck.refusal(auth, false, false)).isEmpty();
    }

    @Test
    void tlsIsRefused() {
        assertThat(SecurityStartupCheck.refusal(OFF, true, false))
                .hasValueSatisfying(
                        m ->
                                assertThat(m)
                                        .contains("MINIKV_TLS_ENABLED")
                                        .contains("not supported by this node version")
                                        .doesNotContain("\n"));
    }

    @Test
    void encryptionIsRefused() {
        assertThat(SecurityStartupCheck.refusal(OFF, false, true))
                .hasValueSatisfying(
                        m ->
                                assertThat(m)
                                        .contains("MINIKV_ENCRYPTION_ENABLED")
                                        .contains("encryption at rest is not supported"));
    }

    @Test
    void authWithoutAdminTokenIsRefused() {
        Auth auth = new Auth(true, Optional.empty(), Optional.of(pem()), Optional.empty());
        assertThat(SecurityStartupCheck.refusal(auth, false, false))
                .hasValueSatisfying(m -> assertThat(m).contains("MINIKV_ADMIN_TOKEN"));
        Auth blank = new Auth(true, Optional.of("  "), Optional.of(pem()), Optional.empty());
        assertThat(SecurityStartupCheck.refusal(blank, false, false)).isPresent();
    }

    @Test
    void authWithoutOrWithABadPublicKeyIsRefused() {
        Auth none = new Auth(true, Optional.of("t"), Optional.empty(), Optional.empty());
        assertThat(SecurityStartupCheck.refusal(none, false, false))
                .hasValueSatisfying(m -> assertThat(m).contains("MINIKV_JWT_PUBLIC_KEY"));
        Auth bad = new Auth(true, Optional.of("t"), Optional.of("not a key"), Optional.empty());
        assertThat(SecurityStartupCheck.refusal(bad, false, false))
                .hasValueSatisfying(m -> assertThat(m).contains("unusable"));
    }

    @Test
    void everyProblemIsOnOneLine() {
        Auth auth = new Auth(true, Optional.empty(), Optional.empty(), Optional.empty());
        assertThat(SecurityStartupCheck.refusal(auth, true, true))
                .hasValueSatisfying(
                        m ->
                                assertThat(m)
                                        .startsWith("MiniKV node refuses to start: ")
                                        .contains("TLS")
                                        .contains("encryption")
                                        .contains("admin token")
                                        .contains("public key")
                                        .doesNotContain("\n"));
    }
}
