package dev.whispem.minikv.node.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Writes sent with an Idempotency-Key apply at most once (decision 0125). */
@QuarkusTest
public class IdempotencyApiTest {

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID();
    }

    private static Response put(String key, String body, String idempotencyKey) {
        return given().header("Idempotency-Key", idempotencyKey).body(body).put("/v1/kv/" + key);
    }

    @Test
    void aRetriedPutAnswersTheFirstOutcomeAndDoesNotApplyAgain() {
        String key = unique("once");
        String idem = unique("req");
        Response first = put(key, "v1", idem);
        first.then().statusCode(200).header("Idempotent-Replayed", nullValue());
        int version = first.path("version");
        // Another client writes the key after the first attempt.
        given().body("v2").put("/v1/kv/" + key).then().statusCode(200);

        put(key, "v1", idem)
                .then()
                .statusCode(200)
                .header("Idempotent-Replayed", "true")
                .header("ETag", "\"" + version + "\"")
                .body("version", equalTo(version));

        given().get("/v1/kv/" + key).then().statusCode(200).body(equalTo("v2"));
    }

    @Test
    void aKeyReusedForAnotherRequestIs422AndChangesNothing() {
        String key = unique("reuse");
        String idem = unique("req");
        put(key, "v1", idem).then().statusCode(200);

        put(key, "other", idem)
                .then()
                .statusCode(422)
                .body("error", equalTo("IDEMPOTENCY_KEY_REUSED"));
        given().header("Idempotency-Key", idem).delete("/v1/kv/" + key).then().statusCode(422);

        given().get("/v1/kv/" + key).then().statusCode(200).body(equalTo("v1"));
    }

    @Test
    void tenantsHaveTheirOwnKeys() {
        String key = unique("tenants");
        String idem = unique("req");
        put(key, "default's", idem).then().statusCode(200);

        given().header("Idempotency-Key", idem)
                .header("X-MiniKV-Tenant", "beta")
                .body("beta's")
                .put("/v1/kv/" + key)
                .then()
                .statusCode(200)
                .header("Idempotent-Replayed", nullValue());

        given().header("X-MiniKV-Tenant", "beta")
                .get("/v1/kv/" + key)
                .then()
                .statusCode(200)
                .body(equalTo("beta's"));
    }

    @Test
    void aRetriedDeleteIsReplayed() {
        String key = unique("del");
        String idem = unique("req");
        given().body("x").put("/v1/kv/" + key).then().statusCode(200);
        given().header("Idempotency-Key", idem).delete("/v1/kv/" + key).then().statusCode(204);
        given().body("back").put("/v1/kv/" + key).then().statusCode(200);

        given().header("Idempotency-Key", idem)
                .delete("/v1/kv/" + key)
                .then()
                .statusCode(204)
                .header("Idempotent-Replayed", "true");

        given().get("/v1/kv/" + key).then().statusCode(200).body(equalTo("back"));
    }

    @Test
    void aRetriedBatchIsReplayedAcrossShards() {
        String a = unique("ba");
        String b = unique("bb");
        String idem = unique("req");
        String body =
                """
                {"ops":[{"op":"put","key":"%s","value":"%s"},
                        {"op":"put","key":"%s","value":"%s","ifNoneMatch":"*"}]}
                """
                        .formatted(a, b64("A"), b, b64("B"));
        given().header("Idempotency-Key", idem)
                .contentType("application/json")
                .body(body)
                .post("/v1/batch")
                .then()
                .statusCode(200)
                .body("results[1].status", equalTo(200));
        given().body("changed").put("/v1/kv/" + a).then().statusCode(200);

        Response retry =
                given().header("Idempotency-Key", idem)
                        .contentType("application/json")
                        .body(body)
                        .post("/v1/batch");

        // Without the key the create-only put would now fail; the retry repeats the first answer.
        retry.then()
                .statusCode(200)
                .header("Idempotent-Replayed", "true")
                .body("results[1].status", equalTo(200));
        given().get("/v1/kv/" + a).then().statusCode(200).body(equalTo("changed"));

        given().header("Idempotency-Key", idem)
                .contentType("application/json")
                .body(body.replace(b64("A"), b64("Z")))
                .post("/v1/batch")
                .then()
                .statusCode(422)
                .body("error", equalTo("IDEMPOTENCY_KEY_REUSED"));
    }

    @Test
    void aMalformedKeyIs400AndChangesNothing() {
        String key = unique("bad");
        for (String bad : new String[] {"has space", "x".repeat(256), "caf\u00e9"}) {
            Response r = put(key, "v", bad);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(r.<String>path("message")).contains("Idempotency-Key");
        }
        given().get("/v1/kv/" + key).then().statusCode(404);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
