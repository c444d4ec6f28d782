package dev.whispem.minikv.operator.crd.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.ValidationRule;

/** Authentication, TLS and encryption at rest. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecuritySpec {
    public static final String TLS_NEEDS_SECRET = "tls.secretName is required when tls.enabled";

    @JsonPropertyDescription("Client authentication.")
    public AuthSpec auth = new AuthSpec();

    @JsonPropertyDescription("TLS for client and internal traffic.")
    public TlsSpec tls = new TlsSpec();

    @JsonPropertyDescription("AES-256-GCM encryption of stored values.")
    public EncryptionSpec encryptionAtRest = new EncryptionSpec();

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class AuthSpec {
        @JsonPropertyDescription("Require a JWT or API key on every request.")
        @Default("true")
        public boolean enabled = true;

        @JsonPropertyDescription(
                "Secret with keys jwt-private.pem, jwt-public.pem (tenant JWTs), admin-token (node MINIKV_ADMIN_TOKEN) and job-token (node MINIKV_JOB_TOKEN, the default WhispemJob MINIKV_TOKEN; optional: without it nodes accept no job token). Generated as <cluster>-auth when unset.")
        public String secretName;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "!self.enabled || has(self.secretName)", message = TLS_NEEDS_SECRET)
    public static class TlsSpec {
        @JsonPropertyDescription("Serve TLS on the client and internal ports.")
        @Default("false")
        public boolean enabled;

        @JsonPropertyDescription(
                "A kubernetes.io/tls Secret (tls.crt, tls.key, optionally ca.crt).")
        public String secretName;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class EncryptionSpec {
        @JsonPropertyDescription("Encrypt values at rest.")
        @Default("false")
        public boolean enabled;

        @JsonPropertyDescription(
                "Secret with key 'key' (32 bytes, base64). Generated as <cluster>-encryption when unset.")
        public String keySecretName;
    }
}
