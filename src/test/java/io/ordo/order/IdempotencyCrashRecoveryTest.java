package io.ordo.order;

import static io.ordo.support.Api.as;
import static io.ordo.support.Api.asAdmin;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.ordo.support.Api;
import io.ordo.support.Db;
import io.ordo.support.Ids;
import io.ordo.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;

/**
 * An instance that dies after an order's (or hold's) transaction committed but before it completed the idempotency
 * key leaves the key IN_FLIGHT with no stored answer. {@link #crashAfterCommit} puts a key back into exactly that
 * state; a retry with the same key and body, once the lease has expired, must answer as the first attempt would have
 * (201 with the same order or hold) and create or reserve nothing a second time.
 */
@QuarkusTest
class IdempotencyCrashRecoveryTest {

    @AfterEach
    void invariantsHold() {
        Db.assertInvariants();
    }

    /** The key as an instance killed between the order's commit and the key's completion leaves it. */
    static void crashAfterCommit(String key) {
        Db.exec("UPDATE idempotency_keys SET state = 'IN_FLIGHT', locked_until = now() - interval '1 second', "
                + "response_status = NULL, response_body = NULL, response_headers = NULL WHERE key = ?", key);
    }

    @Test
    void aRetryAfterACrashAnswersWithTheCommittedOrder() {
        String channel = Api.createChannel(Ids.unique("crash"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("CR");
        Api.setStock(sku, location, 2); // the first attempt takes all of it: a second placement would be short
        String key = Ids.unique("key");
        Map<String, Object> body = Api.order("CR-1", sku, 2);

        ExtractableResponse<Response> first = as(Tokens.channel(channel)).header("Idempotency-Key", key).body(body)
                .post("/v1/orders").then().statusCode(201).extract();
        String resourceId = Db.strings("SELECT resource_id::text FROM idempotency_keys WHERE key = ?", key).get(0);
        assertEquals(first.path("id"), resourceId, "the order's id is the one claimed with the key");

        crashAfterCommit(key);
        ExtractableResponse<Response> retry = as(Tokens.channel(channel)).header("Idempotency-Key", key).body(body)
                .post("/v1/orders").then().statusCode(201)
                .header("Idempotent-Replayed", nullValue())
                .header("Location", equalTo(first.header("Location")))
                .header("ETag", equalTo("\"1\""))
                .body("id", equalTo(first.path("id")))
                .extract();
        assertEquals(new JsonObject(first.asString()), new JsonObject(retry.asString()),
                "the recovered answer is the order as the first attempt answered it");
        assertEquals(List.of("DONE,201,2"), Db.strings(
                "SELECT state || ',' || response_status || ',' || attempt FROM idempotency_keys WHERE key = ?", key));

        as(Tokens.channel(channel)).header("Idempotency-Key", key).body(body)
                .post("/v1/orders").then().statusCode(201)
                .header("Idempotent-Replayed", equalTo("true"))
                .header("Location", equalTo(first.header("Location")))
                .body("id", equalTo(first.path("id")));

        assertEquals(1, Db.count("SELECT count(*) FROM orders WHERE channel = ? AND external_id = 'CR-1'", channel));
        assertEquals(1, Db.count("SELECT count(*) FROM order_history WHERE order_id = ?::uuid", resourceId));
        asAdmin().get("/v1/stock/{sku}", sku).then().body("reserved", equalTo(2), "available", equalTo(0));
    }

    @Test
    void aRetryAfterACrashAnswersWithTheOrderThatConvertedItsHold() {
        String channel = Api.createChannel(Ids.unique("crash"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("CH");
        Api.setStock(sku, location, 5);
        String hold = Api.hold(channel, sku, 3);
        String key = Ids.unique("key");
        Map<String, Object> body = new HashMap<>(Api.order("CH-1", sku, 3));
        body.put("holdId", hold);

        String orderId = as(Tokens.channel(channel)).header("Idempotency-Key", key).body(body)
                .post("/v1/orders").then().statusCode(201).extract().path("id");
        crashAfterCommit(key);
        // without the recovery this retry finds the hold CONVERTED (409 hold-not-usable)
        as(Tokens.channel(channel)).header("Idempotency-Key", key).body(body)
                .post("/v1/orders").then().statusCode(201)
                .body("id", equalTo(orderId), "holdId", equalTo(hold), "status", equalTo("ACCEPTED"));
        assertEquals(1, Db.count("SELECT count(*) FROM orders WHERE channel = ?", channel));
        asAdmin().get("/v1/stock/{sku}", sku).then().body("reserved", equalTo(3));
    }

    @Test
    void aGenuineDuplicateStaysA409EvenAfterACrashedAttempt() {
        String channel = Api.createChannel(Ids.unique("crash"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("DU");
        Api.setStock(sku, location, 10);
        Map<String, Object> body = Api.order("DU-1", sku, 1);

        String existing = as(Tokens.channel(channel)).header("Idempotency-Key", Ids.unique("key")).body(body)
                .post("/v1/orders").then().statusCode(201).extract().path("id");
        String other = Ids.unique("key");
        as(Tokens.channel(channel)).header("Idempotency-Key", other).body(body)
                .post("/v1/orders").then().statusCode(409)
                .body("type", equalTo("urn:ordo:problem:duplicate-order"), "existingOrderId", equalTo(existing));
        // the other key's attempt "crashed": its retry looks for its own order, finds none, and is still a duplicate
        crashAfterCommit(other);
        as(Tokens.channel(channel)).header("Idempotency-Key", other).body(body)
                .post("/v1/orders").then().statusCode(409).header("Idempotent-Replayed", nullValue())
                .body("type", equalTo("urn:ordo:problem:duplicate-order"), "existingOrderId", equalTo(existing));
        // same key, another body: 422, whether the key is DONE or a crashed claim
        as(Tokens.channel(channel)).header("Idempotency-Key", other).body(Api.order("DU-2", sku, 1))
                .post("/v1/orders").then().statusCode(422)
                .body("type", equalTo("urn:ordo:problem:idempotency-key-reused"));
        crashAfterCommit(other);
        as(Tokens.channel(channel)).header("Idempotency-Key", other).body(Api.order("DU-2", sku, 1))
                .post("/v1/orders").then().statusCode(422)
                .body("type", equalTo("urn:ordo:problem:idempotency-key-reused"));
        assertEquals(1, Db.count("SELECT count(*) FROM orders WHERE channel = ?", channel));
        asAdmin().get("/v1/stock/{sku}", sku).then().body("reserved", equalTo(1));
    }

    @Test
    void aCrashedClaimStillHeldByItsLeaseIsInFlight() {
        String channel = Api.createChannel(Ids.unique("crash"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("LE");
        Api.setStock(sku, location, 10);
        String key = Ids.unique("key");
        Map<String, Object> body = Api.order("LE-1", sku, 1);
        as(Tokens.channel(channel)).header("Idempotency-Key", key).body(body).post("/v1/orders").then().statusCode(201);
        Db.exec("UPDATE idempotency_keys SET state = 'IN_FLIGHT', locked_until = now() + interval '1 minute', "
                + "response_status = NULL, response_body = NULL, response_headers = NULL WHERE key = ?", key);
        as(Tokens.channel(channel)).header("Idempotency-Key", key).body(body).post("/v1/orders").then().statusCode(409)
                .body("type", equalTo("urn:ordo:problem:request-in-flight"));
        asAdmin().get("/v1/stock/{sku}", sku).then().body("reserved", equalTo(1));
    }

    @Test
    void aHoldRetriedAfterACrashIsTheSameHoldReservedOnce() {
        String channel = Api.createChannel(Ids.unique("crash"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("HO");
        Api.setStock(sku, location, 3);
        String key = Ids.unique("key");
        Map<String, Object> body = Map.of("lines", List.of(Map.of("sku", sku, "quantity", 3)), "ttlSeconds", 600);

        ExtractableResponse<Response> first = as(Tokens.channel(channel)).header("Idempotency-Key", key).body(body)
                .post("/v1/holds").then().statusCode(201).extract();
        crashAfterCommit(key);
        // without the recovery this retry would be short (or, with more stock, reserve a second time)
        ExtractableResponse<Response> retry = as(Tokens.channel(channel)).header("Idempotency-Key", key).body(body)
                .post("/v1/holds").then().statusCode(201)
                .header("Idempotent-Replayed", nullValue())
                .header("Location", equalTo(first.header("Location")))
                .body("id", equalTo(first.path("id")), "status", equalTo("ACTIVE"),
                        "expiresAt", equalTo(first.path("expiresAt")),
                        "lines[0].allocations[0].quantity", equalTo(3))
                .extract();
        assertEquals(new JsonObject(first.asString()), new JsonObject(retry.asString()),
                "the recovered answer is the hold as the first attempt answered it");
        as(Tokens.channel(channel)).header("Idempotency-Key", key).body(body)
                .post("/v1/holds").then().statusCode(201).header("Idempotent-Replayed", equalTo("true"))
                .body("id", equalTo(first.path("id")));

        assertEquals(1, Db.count("SELECT count(*) FROM holds WHERE channel = ?", channel));
        asAdmin().get("/v1/stock/{sku}", sku).then().body("reserved", equalTo(3));
    }

    @Test
    void aRetryAfterACrashBeforeTheCommitPlacesTheOrderThen() {
        String channel = Api.createChannel(Ids.unique("crash"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("BC");
        Api.setStock(sku, location, 1);
        String key = Ids.unique("key");
        Map<String, Object> body = Api.order("BC-1", sku, 2);
        // a claimed key whose attempt created nothing: here a shortage, then put back as if its instance had died
        as(Tokens.channel(channel)).header("Idempotency-Key", key).body(body).post("/v1/orders").then().statusCode(409);
        crashAfterCommit(key);
        Api.setStock(sku, location, 5);
        String resourceId = Db.strings("SELECT resource_id::text FROM idempotency_keys WHERE key = ?", key).get(0);
        as(Tokens.channel(channel)).header("Idempotency-Key", key).body(body).post("/v1/orders").then().statusCode(201)
                .header("Idempotent-Replayed", nullValue()).body("id", equalTo(resourceId));
        assertEquals(List.of("DONE,201,2"), Db.strings(
                "SELECT state || ',' || response_status || ',' || attempt FROM idempotency_keys WHERE key = ?", key));
        asAdmin().get("/v1/stock/{sku}", sku).then().body("reserved", equalTo(2));
    }
}
