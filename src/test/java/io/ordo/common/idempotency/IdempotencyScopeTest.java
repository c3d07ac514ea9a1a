package io.ordo.common.idempotency;

import static io.ordo.support.Api.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.ordo.support.Api;
import io.ordo.support.Db;
import io.ordo.support.Ids;
import io.ordo.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Issue 20 item 9: an Idempotency-Key belongs to the caller's subject AND its role and channel. Two channel tokens
 * that share a subject (one service account for two shops) used to share keys: channel B got channel A's order
 * replayed (201, which B then could not GET) and B's own order was never placed.
 */
@QuarkusTest
class IdempotencyScopeTest {

    @AfterEach
    void invariantsHold() {
        Db.assertInvariants();
    }

    @Test
    void twoChannelTokensSharingASubjectDoNotShareIdempotencyKeys() {
        String a = Api.createChannel(Ids.unique("scope-a"));
        String b = Api.createChannel(Ids.unique("scope-b"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("SC");
        Api.setStock(sku, location, 10);
        String subject = Ids.unique("shared-shop-account");
        String tokenA = Tokens.forRoles(subject, Set.of("ordo-channel"), a);
        String tokenB = Tokens.forRoles(subject, Set.of("ordo-channel"), b);
        String key = Ids.unique("key");
        Map<String, Object> body = Api.order("SAME-1", sku, 1); // no channel: each token's own

        String orderA = as(tokenA).header("Idempotency-Key", key).body(body).post("/v1/orders").then()
                .statusCode(201).body("channel", equalTo(a)).extract().path("id");
        String orderB = as(tokenB).header("Idempotency-Key", key).body(body).post("/v1/orders").then()
                .statusCode(201).header("Idempotent-Replayed", nullValue())
                .body("channel", equalTo(b), "id", not(equalTo(orderA))).extract().path("id");
        as(tokenB).get("/v1/orders/{id}", orderB).then().statusCode(200);

        // each channel's retry replays its own answer
        as(tokenA).header("Idempotency-Key", key).body(body).post("/v1/orders").then().statusCode(201)
                .header("Idempotent-Replayed", equalTo("true")).body("id", equalTo(orderA));
        as(tokenB).header("Idempotency-Key", key).body(body).post("/v1/orders").then().statusCode(201)
                .header("Idempotent-Replayed", equalTo("true")).body("id", equalTo(orderB));
        assertEquals(1, Db.count("SELECT count(*) FROM orders WHERE channel = ? AND external_id = 'SAME-1'", a));
        assertEquals(1, Db.count("SELECT count(*) FROM orders WHERE channel = ? AND external_id = 'SAME-1'", b));
        assertEquals(2, Db.count("SELECT count(*) FROM idempotency_keys WHERE subject = ? AND key = ?", subject, key));
    }

    @Test
    void aSubjectActingInTwoRolesHasTwoScopes() {
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("SR");
        Api.setStock(sku, location, 10);
        String subject = Ids.unique("ops-account");
        String admin = Tokens.forRoles(subject, Set.of("ordo-admin"), null);
        String warehouse = Tokens.forRoles(subject, Set.of("ordo-fulfillment"), null);
        String key = Ids.unique("key");
        Map<String, Object> body = Map.of("delta", 2, "reason", "recount");

        String first = as(admin).header("Idempotency-Key", key).body(body)
                .post("/v1/stock/{sku}/{location}/adjustments", sku, location).then().statusCode(201)
                .body("onHand", equalTo(12)).extract().path("id");
        as(warehouse).header("Idempotency-Key", key).body(body)
                .post("/v1/stock/{sku}/{location}/adjustments", sku, location).then().statusCode(201)
                .header("Idempotent-Replayed", nullValue()).body("onHand", equalTo(14), "id", not(equalTo(first)));
        assertEquals(Set.of("admin", "fulfillment"), Set.copyOf(Db.strings(
                "SELECT scope FROM idempotency_keys WHERE subject = ? AND key = ?", subject, key)));
    }
}
