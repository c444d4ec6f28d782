package dev.whispem.minikv.node.api.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

/**
 * Verifies the RS256 JSON Web Tokens (RFC 7519) that grant one tenant access, with the JDK alone:
 * {@code header.payload.signature}, {@code alg} RS256 only, a signature by the configured RSA key,
 * {@code exp} required and {@code nbf} honoured (within the clock skew), and a {@code tenant}
 * claim. See docs/api/auth.md.
 */
final class JwtVerifier {

    /** Longest token accepted; a JWT of this service is a few hundred bytes. */
    static final int MAX_TOKEN_CHARS = 8192;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RSAPublicKey key;
    private final long skewSeconds;
    private final Clock clock;

    JwtVerifier(RSAPublicKey key, Duration skew, Clock clock) {
        this.key = key;
        this.skewSeconds = Math.max(0, skew.toSeconds());
        this.clock = clock;
    }

    /** A verified token's tenant, or why the token is refused. */
    sealed interface Result {
        record Valid(String tenant) implements Result {}

        record Invalid(String reason) implements Result {}
    }

    /**
     * Parses an RSA public key from PEM ({@code -----BEGIN PUBLIC KEY-----}, as {@code openssl rsa
     * -pubout} writes it) or from the bare base64 of the DER; at least 2048 bits.
     *
     * @throws IllegalArgumentException with a one-line reason when the text is not such a key
     */
    static RSAPublicKey parsePublicKey(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("it is empty");
        }
        String body = text.replace("\\n", "\n").trim();
        if (body.contains("BEGIN RSA PUBLIC KEY")) {
            throw new IllegalArgumentException(
                    "PKCS#1 (BEGIN RSA PUBLIC KEY) is not supported; use the SubjectPublicKeyInfo"
                            + " form (BEGIN PUBLIC KEY, openssl rsa -pubout)");
        }
        if (body.contains("-----BEGIN")) {
            int begin = body.indexOf("-----BEGIN PUBLIC KEY-----");
            int end = body.indexOf("-----END PUBLIC KEY-----");
            if (begin < 0 || end < begin) {
                throw new IllegalArgumentException("no BEGIN/END PUBLIC KEY block");
            }
            body = body.substring(begin + "-----BEGIN PUBLIC KEY-----".length(), end);
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(body.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the key is not base64");
        }
        PublicKey key;
        try {
            key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an RSA public key (" + e.getMessage() + ")");
        }
        RSAPublicKey rsa = (RSAPublicKey) key;
        if (rsa.getModulus().bitLength() < 2048) {
            throw new IllegalArgumentException(
                    "the RSA key has " + rsa.getModulus().bitLength() + " bits; at least 2048");
        }
        return rsa;
    }

    Result verify(String token) {
        if (token.length() > MAX_TOKEN_CHARS) {
            return invalid("token too long");
        }
        int first = token.indexOf('.');
        int last = token.lastIndexOf('.');
        if (first <= 0 || last == first || token.indexOf('.', first + 1) != last) {
            return invalid("unknown token (neither a configured token nor a JWT)");
        }
        JsonNode header = json(token.substring(0, first));
        if (header == null) {
            return invalid("malformed JWT header");
        }
        JsonNode alg = header.get("alg");
        if (alg == null || !alg.isTextual() || !alg.asText().equals("RS256")) {
            return invalid("JWT alg must be RS256");
        }
        if (header.has("crit")) {
            return invalid("JWT header has critical extensions this node does not understand");
        }
        byte[] signature = decode(token.substring(last + 1));
        if (signature == null || !signatureValid(token.substring(0, last), signature)) {
            return invalid("bad JWT signature");
        }
        JsonNode claims = json(token.substring(first + 1, last));
        if (claims == null) {
            return invalid("malformed JWT payload");
        }
        long now = clock.instant().getEpochSecond();
        JsonNode exp = claims.get("exp");
        if (exp == null || !exp.isNumber()) {
            return invalid("JWT has no exp claim");
        }
        if (now > exp.asLong() + skewSeconds) {
            return invalid("JWT expired");
        }
        JsonNode nbf = claims.get("nbf");
        if (nbf != null && (!nbf.isNumber() || now + skewSeconds < nbf.asLong())) {
            return invalid("JWT not valid yet (nbf)");
        }
        JsonNode tenant = claims.get("tenant");
        if (tenant == null || !tenant.isTextual() || tenant.asText().isEmpty()) {
            return invalid("JWT has no tenant claim");
        }
        return new Result.Valid(tenant.asText());
    }

    private boolean signatureValid(String signedPart, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(key);
            verifier.update(signedPart.getBytes(StandardCharsets.US_ASCII));
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static JsonNode json(String part) {
        byte[] bytes = decode(part);
        if (bytes == null) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(bytes);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static byte[] decode(String part) {
        if (part.isEmpty()) {
            return null;
        }
        try {
            return Base64.getUrlDecoder().decode(part);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Result invalid(String reason) {
        return new Result.Invalid(reason);
    }
}
