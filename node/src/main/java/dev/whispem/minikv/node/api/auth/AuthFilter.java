package dev.whispem.minikv.node.api.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whispem.minikv.node.api.ApiError;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The authentication filter of the HTTP port (docs/api/auth.md), installed only when {@code
 * minikv.auth.enabled}. It runs before every route, gRPC included, and denies by default:
 *
 * <ul>
 *   <li>{@code /q/health/**}, {@code /q/metrics}, {@code /q/openapi}: open;
 *   <li>{@code /v1/kv/**}, {@code /v1/batch}: the admin token or the job token (tenant from {@code
 *       X-MiniKV-Tenant}), or a tenant JWT (its {@code tenant} claim is the tenant);
 *   <li>everything else ({@code /v1/admin/**}, {@code /v1/internal/**}, gRPC, ...): the admin
 *       token.
 * </ul>
 *
 * A refused request is answered here (401 {@code UNAUTHENTICATED} with {@code WWW-Authenticate:
 * Bearer}, or 403 {@code FORBIDDEN}) and never reaches a resource.
 */
@Singleton
public class AuthFilter {

    static final String TENANT_HEADER = "X-MiniKV-Tenant";

    /** Before Quarkus' own filters and every route (routes get order -priority). */
    private static final int PRIORITY = 10_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Which credentials a path needs, from least to most demanding. */
    enum Area {
        OPEN,
        DATA,
        ADMIN
    }

    /** What to do with a request: let it through (optionally fixing its tenant) or answer it. */
    sealed interface Decision {
        record Allow(String tenant) implements Decision {}

        record Deny(int status, String code, String message) implements Decision {}
    }

    private final boolean enabled;
    private final byte[] adminDigest;
    private final byte[] jobDigest;
    private final JwtVerifier jwt;

    public AuthFilter(AuthConfig config) {
        this.enabled = config.enabled();
        this.adminDigest = digestOrNull(config.adminToken());
        this.jobDigest = digestOrNull(config.jobToken());
        JwtVerifier verifier = null;
        if (config.jwtPublicKey().isPresent()) {
            try {
                verifier =
                        new JwtVerifier(
                                JwtVerifier.parsePublicKey(config.jwtPublicKey().get()),
                                config.clockSkew(),
                                Clock.systemUTC());
            } catch (IllegalArgumentException e) {
                // SecurityStartupCheck refuses to start; until then no JWT is accepted.
            }
        }
        this.jwt = verifier;
    }

    void register(@Observes Filters filters) {
        if (enabled) {
            filters.register(this::handle, PRIORITY);
        }
    }

    private void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        Area area = stricter(area(request.path()), area(ctx.normalizedPath()));
        Decision decision =
                decide(
                        area,
                        request.headers().getAll("Authorization"),
                        request.headers().getAll(TENANT_HEADER));
        switch (decision) {
            case Decision.Allow allow -> {
                if (allow.tenant() != null) {
                    request.headers().set(TENANT_HEADER, allow.tenant());
                }
                ctx.next();
            }
            case Decision.Deny deny -> {
                String body;
                try {
                    body = JSON.writeValueAsString(new ApiError(deny.code(), deny.message()));
                } catch (JsonProcessingException e) {
                    body = "{\"error\":\"" + deny.code() + "\"}";
                }
                var response =
                        ctx.response()
                                .setStatusCode(deny.status())
                                .putHeader("Content-Type", "application/json");
                if (deny.status() == 401) {
                    response.putHeader("WWW-Authenticate", "Bearer");
                }
                response.end(body);
            }
        }
    }

    static Area area(String path) {
        if (path == null) {
            return Area.ADMIN;
        }
        if (path.equals("/q/health")
                || path.startsWith("/q/health/")
                || path.equals("/q/metrics")
                || path.equals("/q/openapi")
                || path.startsWith("/q/openapi.")) {
            return Area.OPEN;
        }
        if (path.equals("/v1/kv") || path.startsWith("/v1/kv/") || path.equals("/v1/batch")) {
            return Area.DATA;
        }
        return Area.ADMIN;
    }

    private static Area stricter(Area a, Area b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /**
     * The decision for a request to {@code area} with these {@code Authorization} and {@code
     * X-MiniKV-Tenant} header values. An {@link Decision.Allow} with a tenant means: make that the
     * request's tenant.
     */
    Decision decide(Area area, List<String> authorization, List<String> tenantHeaders) {
        if (area == Area.OPEN) {
            return new Decision.Allow(null);
        }
        if (authorization.isEmpty()) {
            return unauthenticated("missing Authorization: Bearer <token>");
        }
        if (authorization.size() > 1) {
            return unauthenticated("more than one Authorization header");
        }
        String value = authorization.get(0).trim();
        if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return unauthenticated("Authorization must be Bearer <token>");
        }
        String token = value.substring(7).trim();
        if (token.isEmpty()) {
            return unauthenticated("empty bearer token");
        }
        byte[] presented = digest(token);
        if (adminDigest != null && MessageDigest.isEqual(presented, adminDigest)) {
            return new Decision.Allow(null);
        }
        boolean job = jobDigest != null && MessageDigest.isEqual(presented, jobDigest);
        JwtVerifier.Result claims =
                job || jwt == null
                        ? new JwtVerifier.Result.Invalid("invalid token")
                        : jwt.verify(token);
        if (area == Area.ADMIN) {
            if (job || claims instanceof JwtVerifier.Result.Valid) {
                return forbidden("this endpoint needs the admin token");
            }
            return unauthenticated(reason(claims));
        }
        if (job) {
            return new Decision.Allow(null);
        }
        if (claims instanceof JwtVerifier.Result.Valid valid) {
            for (String named : tenantHeaders) {
                if (!named.isEmpty() && !named.equals(valid.tenant())) {
                    return forbidden(
                            "the token is for tenant " + valid.tenant() + ", not " + named);
                }
            }
            return new Decision.Allow(valid.tenant());
        }
        return unauthenticated(reason(claims));
    }

    private static String reason(JwtVerifier.Result claims) {
        return claims instanceof JwtVerifier.Result.Invalid invalid
                ? invalid.reason()
                : "invalid token";
    }

    private static Decision unauthenticated(String message) {
        return new Decision.Deny(401, "UNAUTHENTICATED", message);
    }

    private static Decision forbidden(String message) {
        return new Decision.Deny(403, "FORBIDDEN", message);
    }

    private static byte[] digestOrNull(Optional<String> token) {
        return token.map(String::trim)
                .filter(t -> !t.isEmpty())
                .map(AuthFilter::digest)
                .orElse(null);
    }

    /**
     * Tokens are compared as SHA-256 digests, in constant time, so neither length nor prefix leaks.
     */
    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
