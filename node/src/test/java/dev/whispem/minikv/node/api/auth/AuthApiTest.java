package dev.whispem.minikv.node.api.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The HTTP API with {@code minikv.auth.enabled=true}: who may do what, and what stays open. */
@QuarkusTest
@TestProfile(AuthApiTest.AuthOn.class)
class AuthApiTest {

    static final String ADMIN = "test-admin-token-0123456789";
    static final String JOB = "test-job-token-9876543210";

    public static class AuthOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "minikv.auth.enabled",
                    "true",
                    "minikv.auth.admin-token",
                    ADMIN,
                    "minikv.auth.job-token",
                    JOB,
                    "minikv.auth.jwt-public-key",
                    TestJwts.publicPem(TestJwts.keys().getPublic()));
        }
    }

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID();
    }

    private static RequestSpecification bearer(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

    /**
     * Reads {@code key} of {@code tenant} with the admin token: the status says whether it exists.
     */
    private static int adminRead(String tenant, String key) {
        return bearer(ADMIN)
                .header("X-MiniKV-Tenant", tenant)
                .get("/v1/kv/" + key)
                .then()
                .extract()
                .statusCode();
    }

    @Test
    void noTokenIsUnauthenticatedAndWritesNothing() {
        String key = unique("open");
        given().body("v")
                .put("/v1/kv/" + key)
                .then()
                .statusCode(401)
                .contentType("application/json")
                .header("WWW-Authenticate", "Bearer")
                .body("error", equalTo("UNAUTHENTICATED"))
                .body("message", notNullValue());
        given().contentType("application/json")
                .body("{\"ops\":[{\"op\":\"put\",\"key\":\"" + key + "\",\"value\":\"dg==\"}]}")
                .post("/v1/batch")
                .then()
                .statusCode(401);
        given().delete("/v1/kv/" + key).then().statusCode(401);
        given().get("/v1/kv").then().statusCode(401);
        given().get("/v1/admin/status").then().statusCode(401).header("WWW-Authenticate", "Bearer");
        given().contentType("application/json")
                .body("{}")
                .post("/v1/internal/heartbeat")
                .then()
                .statusCode(401);
        given().get("/v1/internal/metadata/snapshot").then().statusCode(401);
        bearer("not-a-token").body("v").put("/v1/kv/" + key).then().statusCode(401);
        given().header("Authorization", "Basic " + ADMIN)
                .body("v")
                .put("/v1/kv/" + key)
                .then()
                .statusCode(401);
        assertThat(adminRead("default", key)).isEqualTo(404);
    }

    @Test
    void adminTokenOpensAdminAndData() {
        bearer(ADMIN).get("/v1/admin/status").then().statusCode(200);
        String key = unique("admin");
        bearer(ADMIN)
                .header("X-MiniKV-Tenant", "tenant-x")
                .body("by admin")
                .put("/v1/kv/" + key)
                .then()
                .statusCode(200);
        bearer(ADMIN)
                .header("X-MiniKV-Tenant", "tenant-x")
                .get("/v1/kv/" + key)
                .then()
                .statusCode(200)
                .body(equalTo("by admin"));
        // The scheme is case-insensitive.
        given().header("Authorization", "bearer " + ADMIN)
                .get("/v1/admin/status")
                .then()
                .statusCode(200);
        assertThat(adminRead("default", key)).isEqualTo(404);
    }

    @Test
    void tenantJwtReadsAndWritesItsTenant() {
        String jwt = TestJwts.forTenant("a");
        String key = unique("jwt");
        // No tenant header: the token's tenant is the request's tenant.
        bearer(jwt).body("one").put("/v1/kv/" + key).then().statusCode(200);
        bearer(jwt).get("/v1/kv/" + key).then().statusCode(200).body(equalTo("one"));
        assertThat(adminRead("a", key)).isEqualTo(200);
        assertThat(adminRead("default", key)).isEqualTo(404);
        // The same tenant named in the header is fine.
        bearer(jwt)
                .header("X-MiniKV-Tenant", "a")
                .body("two")
                .put("/v1/kv/" + key)
                .then()
                .statusCode(200);
        bearer(jwt)
                .get("/v1/kv?prefix=" + key)
                .then()
                .statusCode(200)
                .body("items[0].key", equalTo(key));
        String other = unique("jwt-batch");
        bearer(jwt)
                .contentType("application/json")
                .body("{\"ops\":[{\"op\":\"put\",\"key\":\"" + other + "\",\"value\":\"dg==\"}]}")
                .post("/v1/batch")
                .then()
                .statusCode(200);
        assertThat(adminRead("a", other)).isEqualTo(200);
        bearer(jwt).delete("/v1/kv/" + key).then().statusCode(204);
        assertThat(adminRead("a", key)).isEqualTo(404);
    }

    @Test
    void tenantJwtCannotNameAnotherTenantNorAdminister() {
        String jwt = TestJwts.forTenant("a");
        String key = unique("cross");
        bearer(jwt)
                .header("X-MiniKV-Tenant", "b")
                .body("sneaky")
                .put("/v1/kv/" + key)
                .then()
                .statusCode(403)
                .contentType("application/json")
                .body("error", equalTo("FORBIDDEN"));
        bearer(jwt)
                .header("X-MiniKV-Tenant", "b")
                .contentType("application/json")
                .body("{\"ops\":[{\"op\":\"put\",\"key\":\"" + key + "\",\"value\":\"dg==\"}]}")
                .post("/v1/batch")
                .then()
                .statusCode(403);
        bearer(jwt).header("X-MiniKV-Tenant", "b").get("/v1/kv/" + key).then().statusCode(403);
        assertThat(adminRead("b", key)).isEqualTo(404);
        assertThat(adminRead("a", key)).isEqualTo(404);
        bearer(jwt)
                .get("/v1/admin/status")
                .then()
                .statusCode(403)
                .body("error", equalTo("FORBIDDEN"));
    }

    @Test
    void expiredOrNotYetValidJwtIsRefused() {
        long now = Instant.now().getEpochSecond();
        String expired =
                TestJwts.sign(
                        TestJwts.keys().getPrivate(),
                        "{\"alg\":\"RS256\"}",
                        "{\"tenant\":\"a\",\"exp\":" + (now - 3600) + "}");
        bearer(expired)
                .body("v")
                .put("/v1/kv/" + unique("exp"))
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", "Bearer")
                .body("error", equalTo("UNAUTHENTICATED"));
        String early =
                TestJwts.sign(
                        TestJwts.keys().getPrivate(),
                        "{\"alg\":\"RS256\"}",
                        "{\"tenant\":\"a\",\"nbf\":"
                                + (now + 3600)
                                + ",\"exp\":"
                                + (now + 7200)
                                + "}");
        bearer(early).get("/v1/kv/" + unique("nbf")).then().statusCode(401);
        String noExp =
                TestJwts.sign(
                        TestJwts.keys().getPrivate(), "{\"alg\":\"RS256\"}", "{\"tenant\":\"a\"}");
        bearer(noExp).get("/v1/kv/" + unique("noexp")).then().statusCode(401);
    }

    @Test
    void forgedJwtIsRefused() throws Exception {
        long exp = Instant.now().getEpochSecond() + 3600;
        String payload = "{\"tenant\":\"a\",\"exp\":" + exp + "}";
        String key = unique("forged");
        // Signed by another key.
        String otherKey =
                TestJwts.sign(TestJwts.generate().getPrivate(), "{\"alg\":\"RS256\"}", payload);
        bearer(otherKey).body("v").put("/v1/kv/" + key).then().statusCode(401);
        // A valid token whose payload was swapped for another tenant's.
        String valid = TestJwts.forTenant("a");
        String[] parts = valid.split("\\.");
        String swapped =
                parts[0]
                        + "."
                        + TestJwts.url("{\"tenant\":\"b\",\"exp\":" + exp + "}")
                        + "."
                        + parts[2];
        bearer(swapped).body("v").put("/v1/kv/" + key).then().statusCode(401);
        // alg none, with and without a signature part.
        String none = TestJwts.url("{\"alg\":\"none\"}") + "." + TestJwts.url(payload);
        bearer(none + ".").body("v").put("/v1/kv/" + key).then().statusCode(401);
        bearer(none + "." + parts[2]).body("v").put("/v1/kv/" + key).then().statusCode(401);
        // HS256 keyed with the public key: the classic algorithm confusion.
        String hsSigned = TestJwts.url("{\"alg\":\"HS256\"}") + "." + TestJwts.url(payload);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(
                new SecretKeySpec(
                        TestJwts.publicPem(TestJwts.keys().getPublic())
                                .getBytes(StandardCharsets.US_ASCII),
                        "HmacSHA256"));
        String hs =
                hsSigned
                        + "."
                        + TestJwts.url(mac.doFinal(hsSigned.getBytes(StandardCharsets.US_ASCII)));
        bearer(hs).body("v").put("/v1/kv/" + key).then().statusCode(401);
        // Garbage.
        bearer("a.b.c").body("v").put("/v1/kv/" + key).then().statusCode(401);
        bearer(Base64.getEncoder().encodeToString(new byte[9000]))
                .get("/v1/kv/" + key)
                .then()
                .statusCode(401);
        assertThat(adminRead("a", key)).isEqualTo(404);
        assertThat(adminRead("b", key)).isEqualTo(404);
    }

    @Test
    void jobTokenOpensDataOnly() {
        String key = unique("job");
        bearer(JOB).body("from a program").put("/v1/kv/" + key).then().statusCode(200);
        assertThat(adminRead("default", key)).isEqualTo(200);
        bearer(JOB).get("/v1/admin/status").then().statusCode(403);
        bearer(JOB)
                .contentType("application/json")
                .body("{}")
                .post("/v1/internal/heartbeat")
                .then()
                .statusCode(403);
        bearer(JOB).get("/v1/internal/metadata/snapshot").then().statusCode(403);
        // The admin token passes; a standalone node is no coordinator and has no metadata map.
        bearer(ADMIN)
                .get("/v1/internal/metadata/snapshot")
                .then()
                .statusCode(404)
                .body("error", org.hamcrest.Matchers.equalTo("NOT_FOUND"));
    }

    @Test
    void healthMetricsAndOpenApiStayOpen() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/health").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200);
        // A path that merely starts like an open one is not open.
        given().get("/q/healthz").then().statusCode(401);
        given().get("/q/health/../../v1/admin/status").then().statusCode(401);
    }
}
