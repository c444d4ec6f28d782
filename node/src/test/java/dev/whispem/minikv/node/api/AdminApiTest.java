package dev.whispem.minikv.node.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class AdminApiTest {

    @Test
    void statusDescribesTheNodeAndItsGroups() {
        given().get("/v1/admin/status")
                .then()
                .statusCode(200)
                .body("role", equalTo("standalone"))
                .body("ready", equalTo(true))
                .body("shards", equalTo(256))
                .body("groups", equalTo(8))
                .body("groupStatus", hasSize(8))
                .body("groupStatus[0].role", equalTo("LEADER"));
    }

    @Test
    void transferOnASingleMemberGroupIsRefused() {
        given().post("/v1/admin/groups/0/transfer-leadership")
                .then()
                .statusCode(409)
                .body("error", equalTo("TRANSFER_FAILED"));
        given().post("/v1/admin/groups/99/transfer-leadership").then().statusCode(404);
    }
}
