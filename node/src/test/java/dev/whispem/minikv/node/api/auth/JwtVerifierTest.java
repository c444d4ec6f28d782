package dev.whispem.minikv.node.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class JwtVerifierTest {

    private static final KeyPair KEYS = TestJwts.generate();
    private static final long NOW = 1_800_000_000L;

    private static JwtVerifier verifier() {
        return new JwtVerifier(
                JwtVerifier.parsePublicKey(TestJwts.publicPem(KEYS.getPublic())),
                Duration.ofSeconds(30),
                Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));
    }

    private static String token(String payload) {
        return TestJwts.sign(KEYS.getPrivate(), "{\"alg\":\"RS256\",\"typ\":\"JWT\"}", payload);
    }

    @Test
    void validTokenGivesItsTenant() {
        assertThat(verifier().verify(token("{\"tenant\":\"a\",\"exp\":" + (NOW + 60) + "}")))
                .isEqualTo(new JwtVerifier.Result.Valid("a"));
    }

    @Test
    void expiryAndNotBeforeAllowTheClockSkew() {
        assertThat(verifier().verify(token("{\"tenant\":\"a\",\"exp\":" + (NOW - 20) + "}")))
                .isInstanceOf(JwtVerifier.Result.Valid.class);
        assertThat(verifier().verify(token("{\"tenant\":\"a\",\"exp\":" + (NOW - 40) + "}")))
                .isEqualTo(new JwtVerifier.Result.Invalid("JWT expired"));
        assertThat(
                        verifier()
                                .verify(
                                        token(
                                                "{\"tenant\":\"a\",\"nbf\":"
                                                        + (NOW + 20)
                                                        + ",\"exp\":"
                                                        + (NOW + 99)
                                                        + "}")))
                .isInstanceOf(JwtVerifier.Result.Valid.class);
        assertThat(
                        verifier()
                                .verify(
                                        token(
                                                "{\"tenant\":\"a\",\"nbf\":"
                                                        + (NOW + 40)
                                                        + ",\"exp\":"
                                                        + (NOW + 99)
                                                        + "}")))
                .isInstanceOf(JwtVerifier.Result.Invalid.class);
    }

    @Test
    void claimsAreRequired() {
        assertThat(verifier().verify(token("{\"exp\":" + (NOW + 60) + "}")))
                .isEqualTo(new JwtVerifier.Result.Invalid("JWT has no tenant claim"));
        assertThat(verifier().verify(token("{\"tenant\":\"a\",\"exp\":\"soon\"}")))
                .isEqualTo(new JwtVerifier.Result.Invalid("JWT has no exp claim"));
        assertThat(verifier().verify(token("[1]")))
                .isEqualTo(new JwtVerifier.Result.Invalid("malformed JWT payload"));
    }

    @Test
    void criticalHeaderIsRefused() {
        String t =
                TestJwts.sign(
                        KEYS.getPrivate(),
                        "{\"alg\":\"RS256\",\"crit\":[\"x\"],\"x\":1}",
                        "{\"tenant\":\"a\",\"exp\":" + (NOW + 60) + "}");
        assertThat(verifier().verify(t)).isInstanceOf(JwtVerifier.Result.Invalid.class);
    }

    @Test
    void publicKeyForms() {
        String pem = TestJwts.publicPem(KEYS.getPublic());
        RSAPublicKey expected = (RSAPublicKey) KEYS.getPublic();
        assertThat(JwtVerifier.parsePublicKey(pem)).isEqualTo(expected);
        // As an env var written on one line with literal \n.
        assertThat(JwtVerifier.parsePublicKey(pem.replace("\n", "\\n"))).isEqualTo(expected);
        // Bare base64 of the DER.
        assertThat(
                        JwtVerifier.parsePublicKey(
                                java.util.Base64.getEncoder()
                                        .encodeToString(KEYS.getPublic().getEncoded())))
                .isEqualTo(expected);
        assertThatThrownBy(() -> JwtVerifier.parsePublicKey("-----BEGIN RSA PUBLIC KEY-----\nAA=="))
                .hasMessageContaining("PKCS#1");
        assertThatThrownBy(() -> JwtVerifier.parsePublicKey("%%%"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
