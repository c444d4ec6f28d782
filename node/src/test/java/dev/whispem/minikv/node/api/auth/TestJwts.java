package dev.whispem.minikv.node.api.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;

/**
 * The test RSA key pair and JWTs signed with java.security. The pair is kept in system properties
 * (not {@code minikv.*}): the test profile and the test class may be loaded by different class
 * loaders, and both must see the same keys.
 */
final class TestJwts {

    private static final String PRIVATE = "authtest.jwt.private";
    private static final String PUBLIC = "authtest.jwt.public";

    private TestJwts() {}

    static synchronized KeyPair keys() {
        try {
            if (System.getProperty(PRIVATE) == null) {
                KeyPair pair = generate();
                System.setProperty(PRIVATE, b64(pair.getPrivate().getEncoded()));
                System.setProperty(PUBLIC, b64(pair.getPublic().getEncoded()));
            }
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            PrivateKey priv =
                    rsa.generatePrivate(
                            new PKCS8EncodedKeySpec(
                                    Base64.getDecoder().decode(System.getProperty(PRIVATE))));
            PublicKey pub =
                    rsa.generatePublic(
                            new X509EncodedKeySpec(
                                    Base64.getDecoder().decode(System.getProperty(PUBLIC))));
            return new KeyPair(pub, priv);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String publicPem(PublicKey key) {
        String body =
                Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(key.getEncoded());
        return "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n";
    }

    /** An RS256 JWT for {@code tenant} valid for an hour, signed with the test key. */
    static String forTenant(String tenant) {
        long now = Instant.now().getEpochSecond();
        return sign(
                keys().getPrivate(),
                "{\"alg\":\"RS256\",\"typ\":\"JWT\"}",
                "{\"tenant\":\"" + tenant + "\",\"iat\":" + now + ",\"exp\":" + (now + 3600) + "}");
    }

    static String sign(PrivateKey key, String headerJson, String payloadJson) {
        String signed = url(headerJson) + "." + url(payloadJson);
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(signed.getBytes(StandardCharsets.US_ASCII));
            return signed + "." + url(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String url(String json) {
        return url(json.getBytes(StandardCharsets.UTF_8));
    }

    static String url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
