package dev.whispem.minikv.node.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import dev.whispem.minikv.node.routing.ShardHasher;
import dev.whispem.minikv.node.storage.DataKey;
import dev.whispem.minikv.node.storage.KvStore;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
public class KvApiTest {

    @Inject KvStore store;

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID();
    }

    @Test
    void putGetDeleteRoundTrip() {
        String key = unique("hello");
        int version =
                given().body("world")
                        .when()
                        .put("/v1/kv/" + key)
                        .then()
                        .statusCode(200)
                        .body("key", equalTo(key))
                        .body("version", notNullValue())
                        .body("revision", notNullValue())
                        .extract()
                        .path("version");

        given().when()
                .get("/v1/kv/" + key)
                .then()
                .statusCode(200)
                .contentType("application/octet-stream")
                .header("ETag", "\"" + version + "\"")
                .body(equalTo("world"));

        given().when().delete("/v1/kv/" + key).then().statusCode(204);
        given().when()
                .get("/v1/kv/" + key)
                .then()
                .statusCode(404)
                .contentType("application/json")
                .body("error", equalTo("NOT_FOUND"))
                .body("message", notNullValue());
        // Deleting again is not an error.
        given().when().delete("/v1/kv/" + key).then().statusCode(204);
    }

    @Test
    void keysMayContainSlashesAndBinaryValuesRoundTrip() {
        String key = unique("dir/sub/file");
        byte[] value = new byte[256];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) i;
        }
        given().body(value).when().put("/v1/kv/" + key).then().statusCode(200);
        byte[] back =
                given().when().get("/v1/kv/" + key).then().statusCode(200).extract().asByteArray();
        assertThat(back).isEqualTo(value);
    }

    @Test
    void ifMatchIsCompareAndSet() {
        String key = unique("cas");
        long v1 = putVersion(key, "a");
        given().header("If-Match", "\"" + (v1 + 1000) + "\"")
                .body("b")
                .when()
                .put("/v1/kv/" + key)
                .then()
                .statusCode(412)
                .body("error", equalTo("PRECONDITION_FAILED"))
                .header("ETag", "\"" + v1 + "\"");
        long v2 =
                ((Number)
                                given().header("If-Match", "\"" + v1 + "\"")
                                        .body("b")
                                        .when()
                                        .put("/v1/kv/" + key)
                                        .then()
                                        .statusCode(200)
                                        .extract()
                                        .path("version"))
                        .longValue();
        assertThat(v2).isGreaterThan(v1);
        // The old version no longer matches: the second writer loses.
        given().header("If-Match", "\"" + v1 + "\"")
                .body("c")
                .when()
                .put("/v1/kv/" + key)
                .then()
                .statusCode(412);
        assertThat(given().get("/v1/kv/" + key).asString()).isEqualTo("b");
        // Conditional delete.
        given().header("If-Match", "\"" + v1 + "\"")
                .when()
                .delete("/v1/kv/" + key)
                .then()
                .statusCode(412);
        given().header("If-Match", "\"" + v2 + "\"")
                .when()
                .delete("/v1/kv/" + key)
                .then()
                .statusCode(204);
    }

    @Test
    void versionOfARecreatedKeyNeverMatchesTheOldOne() {
        String key = unique("aba");
        long v1 = putVersion(key, "first");
        given().when().delete("/v1/kv/" + key).then().statusCode(204);
        long v2 = putVersion(key, "second");
        assertThat(v2).isNotEqualTo(v1);
        given().header("If-Match", "\"" + v1 + "\"")
                .body("x")
                .put("/v1/kv/" + key)
                .then()
                .statusCode(412);
    }

    @Test
    void ifNoneMatchStarCreatesOnlyOnce() {
        String key = unique("create");
        given().header("If-None-Match", "*").body("1").put("/v1/kv/" + key).then().statusCode(200);
        given().header("If-None-Match", "*").body("2").put("/v1/kv/" + key).then().statusCode(412);
        assertThat(given().get("/v1/kv/" + key).asString()).isEqualTo("1");
        given().header("If-Match", "*").body("3").put("/v1/kv/" + key).then().statusCode(200);
        given().header("If-Match", "*")
                .body("3")
                .put("/v1/kv/" + unique("absent"))
                .then()
                .statusCode(412);
    }

    @Test
    void malformedRequestsAreRejectedWithoutChangingState() {
        String key = unique("bad");
        given().queryParam("ttl", "soon")
                .body("x")
                .put("/v1/kv/" + key)
                .then()
                .statusCode(400)
                .body("error", equalTo("BAD_REQUEST"));
        given().queryParam("ttl", "-5").body("x").put("/v1/kv/" + key).then().statusCode(400);
        given().header("If-Match", "not-a-version")
                .body("x")
                .put("/v1/kv/" + key)
                .then()
                .statusCode(400);
        given().header("If-None-Match", "\"3\"")
                .body("x")
                .put("/v1/kv/" + key)
                .then()
                .statusCode(400);
        given().header("X-MiniKV-Tenant", "Bad Tenant!")
                .body("x")
                .put("/v1/kv/" + key)
                .then()
                .statusCode(400);
        given().queryParam("consistency", "eventual").get("/v1/kv/" + key).then().statusCode(400);
        given().get("/v1/kv/" + key).then().statusCode(404);
    }

    @Test
    void sizeLimitsAnswer413() {
        String longKey = "k".repeat(1025);
        given().body("x")
                .put("/v1/kv/" + longKey)
                .then()
                .statusCode(413)
                .body("error", equalTo("TOO_LARGE"));
        given().body("x").put("/v1/kv/" + "k".repeat(1024)).then().statusCode(200);
        byte[] big = new byte[1024 * 1024 + 1];
        String key = unique("big");
        given().body(big).put("/v1/kv/" + key).then().statusCode(413);
        given().get("/v1/kv/" + key).then().statusCode(404);
        given().body(new byte[1024 * 1024]).put("/v1/kv/" + key).then().statusCode(200);
    }

    @Test
    void ttlExpiresTheKey() throws InterruptedException {
        String key = unique("ttl");
        given().queryParam("ttl", "1").body("short").put("/v1/kv/" + key).then().statusCode(200);
        Response r = given().get("/v1/kv/" + key);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header("X-MiniKV-Expires-At")).isNotNull();
        Thread.sleep(1200);
        given().get("/v1/kv/" + key).then().statusCode(404);
        // An expired key counts as absent for create-only writes.
        given().header("If-None-Match", "*")
                .body("again")
                .put("/v1/kv/" + key)
                .then()
                .statusCode(200);
    }

    @Test
    void theSweepFreesTheSpaceOfAnExpiredKey() throws InterruptedException {
        String key = unique("swept");
        given().queryParam("ttl", "1").body("short").put("/v1/kv/" + key).then().statusCode(200);
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        DataKey stored = new DataKey(ShardHasher.shardOf("default", k), "default", k);
        assertThat(store.get(stored)).as("stored while it lives").isPresent();
        // The sweep runs every second (minikv.expiry.interval); expired after one.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (store.get(stored).isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(store.get(stored)).as("removed from storage by the expiry sweep").isEmpty();
    }

    @Test
    void tenantsAreSeparateNamespaces() {
        String key = unique("shared");
        given().header("X-MiniKV-Tenant", "alpha")
                .body("a")
                .put("/v1/kv/" + key)
                .then()
                .statusCode(200);
        given().header("X-MiniKV-Tenant", "beta").get("/v1/kv/" + key).then().statusCode(404);
        given().header("X-MiniKV-Tenant", "alpha")
                .get("/v1/kv/" + key)
                .then()
                .statusCode(200)
                .body(equalTo("a"));
    }

    @Test
    void listPagesKeysInOrderWithCursor() {
        String tenant = "list-" + Math.abs(UUID.randomUUID().getLeastSignificantBits() % 100000);
        for (int i = 0; i < 25; i++) {
            given().header("X-MiniKV-Tenant", tenant)
                    .body("v" + i)
                    .put("/v1/kv/" + String.format("item/%03d", i))
                    .then()
                    .statusCode(200);
        }
        given().header("X-MiniKV-Tenant", tenant)
                .body("other")
                .put("/v1/kv/zzz")
                .then()
                .statusCode(200);

        java.util.List<String> seen = new java.util.ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var req =
                    given().header("X-MiniKV-Tenant", tenant)
                            .queryParam("prefix", "item/")
                            .queryParam("limit", 10);
            if (cursor != null) {
                req = req.queryParam("cursor", cursor);
            }
            Response page = req.get("/v1/kv");
            assertThat(page.statusCode()).isEqualTo(200);
            List<String> keys = page.path("items.key");
            seen.addAll(keys);
            cursor = page.path("nextCursor");
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(25).isSorted().allMatch(k -> k.startsWith("item/"));

        // start/end bound the range; values=true returns base64 values.
        Response ranged =
                given().header("X-MiniKV-Tenant", tenant)
                        .queryParam("start", "item/010")
                        .queryParam("end", "item/013")
                        .queryParam("values", "true")
                        .get("/v1/kv");
        List<Map<String, Object>> items = ranged.path("items");
        assertThat(items)
                .extracting(m -> m.get("key"))
                .containsExactly("item/010", "item/011", "item/012");
        assertThat(
                        new String(
                                Base64.getDecoder().decode((String) items.get(0).get("value")),
                                StandardCharsets.UTF_8))
                .isEqualTo("v10");
        assertThat(ranged.<String>path("nextCursor")).isNull();

        given().queryParam("limit", "0").get("/v1/kv").then().statusCode(400);
        given().queryParam("cursor", "***").get("/v1/kv").then().statusCode(400);
    }

    @Test
    void batchOnOneShardIsAtomic() {
        // Keys that share a shard: the same key is the simplest, but keys must be distinct, so
        // find two that hash to one shard.
        String[] pair =
                dev.whispem.minikv.node.routing.ShardHasherTest.twoKeysOnOneShard(
                        "default", unique("b"));
        given().body("old").put("/v1/kv/" + pair[1]).then().statusCode(200);
        String body =
                """
                {"ops":[{"op":"put","key":"%s","value":"%s"},
                        {"op":"delete","key":"%s","ifMatch":"\\"999999999\\""}]}
                """
                        .formatted(pair[0], b64("new"), pair[1]);
        given().contentType("application/json")
                .body(body)
                .post("/v1/batch")
                .then()
                .statusCode(412)
                .body("atomic", equalTo(true))
                .body("committed", equalTo(false))
                .body("results", hasSize(2))
                .body("results[0].status", equalTo(409))
                .body("results[1].status", equalTo(412));
        given().get("/v1/kv/" + pair[0]).then().statusCode(404);
        given().get("/v1/kv/" + pair[1]).then().statusCode(200).body(equalTo("old"));

        String ok =
                """
                {"ops":[{"op":"put","key":"%s","value":"%s"},{"op":"delete","key":"%s"}]}
                """
                        .formatted(pair[0], b64("new"), pair[1]);
        given().contentType("application/json")
                .body(ok)
                .post("/v1/batch")
                .then()
                .statusCode(200)
                .body("committed", equalTo(true))
                .body("results[0].status", equalTo(200))
                .body("results[1].status", equalTo(204));
        given().get("/v1/kv/" + pair[0]).then().statusCode(200).body(equalTo("new"));
        given().get("/v1/kv/" + pair[1]).then().statusCode(404);
    }

    @Test
    void batchAcrossShardsReportsPerOpResults() {
        String a = unique("x");
        String b = unique("y");
        String c = unique("z");
        given().body("1").put("/v1/kv/" + c).then().statusCode(200);
        String body =
                """
                {"ops":[{"op":"put","key":"%s","value":"%s"},
                        {"op":"put","key":"%s","value":"%s","ifNoneMatch":"*"},
                        {"op":"put","key":"%s","value":"%s","ifNoneMatch":"*"}]}
                """
                        .formatted(a, b64("A"), b, b64("B"), c, b64("C"));
        Response r = given().contentType("application/json").body(body).post("/v1/batch");
        r.then().statusCode(200);
        if (r.<Boolean>path("atomic")) {
            return; // the three random keys happened to share a shard; covered by the test above
        }
        r.then()
                .body("results[0].status", equalTo(200))
                .body("results[1].status", equalTo(200))
                .body("results[2].status", equalTo(412))
                .body("results[2].error", equalTo("PRECONDITION_FAILED"));
        given().get("/v1/kv/" + a).then().statusCode(200).body(equalTo("A"));
        given().get("/v1/kv/" + c).then().statusCode(200).body(equalTo("1"));
    }

    @Test
    void malformedBatchesChangeNothing() {
        String key = unique("mb");
        String[] bad = {
            "not json",
            "{}",
            "{\"ops\":[]}",
            "{\"ops\":[{\"op\":\"put\",\"key\":\"" + key + "\"}]}",
            "{\"ops\":[{\"op\":\"put\",\"key\":\"" + key + "\",\"value\":\"!!notbase64\"}]}",
            "{\"ops\":[{\"op\":\"merge\",\"key\":\"" + key + "\"}]}",
            "{\"ops\":[{\"op\":\"put\",\"key\":\""
                    + key
                    + "\",\"value\":\"eA==\"},{\"op\":\"delete\",\"key\":\""
                    + key
                    + "\"}]}"
        };
        for (String body : bad) {
            given().contentType("application/json")
                    .body(body)
                    .post("/v1/batch")
                    .then()
                    .statusCode(400)
                    .body("error", equalTo("BAD_REQUEST"));
        }
        given().get("/v1/kv/" + key).then().statusCode(404);
    }

    @Test
    void percentEncodedKeysNameTheDecodedKey() {
        String key = unique("café a+b");
        String encoded = key.replace("é", "%C3%A9").replace(" ", "%20");
        given().urlEncodingEnabled(false)
                .body("v")
                .put("/v1/kv/" + encoded)
                .then()
                .statusCode(200)
                .body("key", equalTo(key));
        // The same key listed under its decoded name, and read through another spelling of it.
        given().queryParam("prefix", key)
                .get("/v1/kv")
                .then()
                .statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].key", equalTo(key));
        given().urlEncodingEnabled(false)
                .get("/v1/kv/" + encoded.replace("%C3%A9", "%c3%a9"))
                .then()
                .statusCode(200);
        // A malformed escape never leaves a client library; PathKeysTest covers it.
        given().urlEncodingEnabled(false)
                .get("/v1/kv/not-utf8-%FF")
                .then()
                .statusCode(400)
                .body("error", equalTo("BAD_REQUEST"));
    }

    @Test
    void headAnswersTheHeadersOfGet() {
        String key = unique("head");
        long version = putVersion(key, "value");
        given().head("/v1/kv/" + key).then().statusCode(200).header("ETag", "\"" + version + "\"");
        given().head("/v1/kv/" + unique("absent")).then().statusCode(404);
    }

    @Test
    void aChunkedBodyOverTheLimitIs413AndWritesNothing() throws Exception {
        String key = unique("chunked");
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        java.net.URI uri =
                java.net.URI.create(
                        "http://localhost:" + io.restassured.RestAssured.port + "/v1/kv/" + key);
        byte[] big = new byte[1024 * 1024 + 1];
        java.net.http.HttpResponse<String> tooBig =
                client.send(
                        java.net.http.HttpRequest.newBuilder(uri)
                                .PUT(
                                        java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                                                () -> new java.io.ByteArrayInputStream(big)))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(tooBig.body()).contains("TOO_LARGE");
        given().get("/v1/kv/" + key).then().statusCode(404);
        // The same connection pool, a chunked body within the limit.
        java.net.http.HttpResponse<String> fits =
                client.send(
                        java.net.http.HttpRequest.newBuilder(uri)
                                .PUT(
                                        java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                                                () ->
                                                        new java.io.ByteArrayInputStream(
                                                                "chunked".getBytes())))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(fits.statusCode()).isEqualTo(200);
        assertThat(given().get("/v1/kv/" + key).asString()).isEqualTo("chunked");
    }

    @Test
    void unknownRoutesAnswerJsonErrors() {
        given().get("/v1/nothing-here").then().statusCode(404).body("error", equalTo("NOT_FOUND"));
        given().post("/v1/kv/x")
                .then()
                .statusCode(405)
                .header("Allow", "GET, HEAD, PUT, DELETE")
                .body("error", equalTo("METHOD_NOT_ALLOWED"));
        // The path without a key is the listing, not a key.
        given().get("/v1/kv/").then().statusCode(200).body("items", notNullValue());
    }

    @Test
    void healthMetricsAndOpenApiAreServed() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
        String key = unique("metric");
        given().body("m").put("/v1/kv/" + key).then().statusCode(200);
        given().get("/v1/kv/" + key).then().statusCode(200);
        String metrics = given().get("/q/metrics").asString();
        assertThat(metrics).contains("minikv_requests_seconds_bucket").contains("op=\"put\"");
        assertThat(metrics).contains("minikv_commit_seconds");
        double barrierReads = metricValue(metrics, "minikv_read_barrier_size_sum");
        if (readsPassAReadIndexRound()) {
            assertThat(barrierReads).as("linearizable reads counted by their rounds").isPositive();
        } else {
            assertThat(barrierReads).as("no Raft, no rounds").isZero();
        }
        String openapi = given().get("/q/openapi").asString();
        assertThat(openapi).contains("/v1/kv/{key}").contains("/v1/batch");
    }

    /** Whether linearizable reads go through a ReadIndex round (Raft), not straight to storage. */
    protected boolean readsPassAReadIndexRound() {
        return false;
    }

    private static double metricValue(String metrics, String name) {
        return metrics.lines()
                .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name));
    }

    private static long putVersion(String key, String value) {
        return ((Number)
                        given().body(value)
                                .put("/v1/kv/" + key)
                                .then()
                                .statusCode(200)
                                .extract()
                                .path("version"))
                .longValue();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
