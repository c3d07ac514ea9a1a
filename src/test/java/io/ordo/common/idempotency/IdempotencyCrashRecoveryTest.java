package io.ordo.common.idempotency;

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
import io.restassured.http.ContentType;
import io.ordo.support.Db;
import io.ordo.support.Ids;
import io.ordo.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;

/**
 * An instance that dies after a create's transaction committed but before it completed the idempotency key leaves
 * the key IN_FLIGHT with no stored answer. {@link #crashAfterCommit} puts a key back into exactly that state (what the
 * transaction itself wrote, the resource id and the committed attempt, stays); a retry with the same key and body,
 * once the lease has expired, must answer as the first attempt would have (same status and body: the same order,
 * batch, hold, shipment, return, receipt, refund, adjustment or subscription) and do nothing a second time.
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

    /** The first answer, as a retry after the crash must repeat it: same status, same JSON body, no replay header. */
    private static void assertRecovered(ExtractableResponse<Response> first, ExtractableResponse<Response> retry) {
        assertEquals(first.statusCode(), retry.statusCode());
        assertEquals(null, retry.header("Idempotent-Replayed"), "a recovered answer is not a replay");
        assertEquals(first.header("Location"), retry.header("Location"));
        assertEquals(first.header("ETag"), retry.header("ETag"));
        assertEquals(new JsonObject(first.asString()), new JsonObject(retry.asString()),
                "the recovered answer is what the first attempt answered");
    }

    private static String shippedOrder(String channel, String location, String sku, int quantity) {
        String order = as(Tokens.channel(channel)).body(Api.order(Ids.unique("SO"), sku, quantity))
                .post("/v1/orders").then().statusCode(201).extract().path("id");
        as(Tokens.fulfillment()).body(shipment(location, sku, quantity))
                .post("/v1/orders/{id}/shipments", order).then().statusCode(201);
        return order;
    }

    private static Map<String, Object> shipment(String location, String sku, int quantity) {
        return Map.of("location", location, "lines", List.of(Map.of("sku", sku, "quantity", quantity)),
                "carrier", "DHL", "trackingNumber", "JD0146");
    }

    @Test
    void aBatchRetriedAfterACrashAnswersWithTheOrdersItPlacedAndPlacesNoneTwice() {
        String channel = Api.createChannel(Ids.unique("crash"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("BA");
        Api.setStock(sku, location, 3); // both orders take all of it: a second placement would be short
        String key = Ids.unique("key");
        Map<String, Object> body = Map.of("orders", List.of(Api.order("BA-1", sku, 2),
                Map.of("externalId", "BA-2"), Api.order("BA-3", sku, 1)));

        ExtractableResponse<Response> first = as(Tokens.channel(channel)).header("Idempotency-Key", key).body(body)
                .post("/v1/orders/batch").then().statusCode(200)
                .body("results.status", equalTo(List.of(201, 400, 201))).extract();
        crashAfterCommit(key);
        // without the recovery: 409 duplicate-order for BA-1 and BA-3
        ExtractableResponse<Response> retry = as(Tokens.channel(channel)).header("Idempotency-Key", key).body(body)
                .post("/v1/orders/batch").then().statusCode(200).extract();
        assertRecovered(first, retry);
        as(Tokens.channel(channel)).header("Idempotency-Key", key).body(body).post("/v1/orders/batch").then()
                .statusCode(200).header("Idempotent-Replayed", equalTo("true"))
                .body("results.order.id", equalTo(first.path("results.order.id")));

        assertEquals(2, Db.count("SELECT count(*) FROM orders WHERE channel = ?", channel));
        asAdmin().get("/v1/stock/{sku}", sku).then().body("reserved", equalTo(3), "available", equalTo(0));
    }

    @Test
    void aShipmentRetriedAfterACrashShipsOnceAndAnswersTheOrderAsShipped() {
        String channel = Api.createChannel(Ids.unique("crash"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("SH");
        Api.setStock(sku, location, 10);
        String order = as(Tokens.channel(channel)).body(Api.order("SH-1", sku, 4)).post("/v1/orders")
                .then().statusCode(201).extract().path("id");
        String key = Ids.unique("key");

        ExtractableResponse<Response> first = as(Tokens.fulfillment()).header("Idempotency-Key", key)
                .header("If-Match", "\"1\"").body(shipment(location, sku, 2))
                .post("/v1/orders/{id}/shipments", order).then().statusCode(201)
                .body("status", equalTo("PARTIALLY_SHIPPED")).extract();
        crashAfterCommit(key);
        // without the recovery: a second shipment (or, with its If-Match, a 412)
        ExtractableResponse<Response> retry = as(Tokens.fulfillment()).header("Idempotency-Key", key)
                .header("If-Match", "\"1\"").body(shipment(location, sku, 2))
                .post("/v1/orders/{id}/shipments", order).then().extract();
        assertRecovered(first, retry);

        assertEquals(1, Db.count("SELECT count(*) FROM shipments WHERE order_id = ?::uuid", order));
        assertEquals(List.of("8/2"), Db.strings(
                "SELECT on_hand || '/' || reserved FROM stock WHERE sku = ? AND location = ?", sku, location));
    }

    @Test
    void aReturnRequestRetriedAfterACrashIsTheSameReturn() {
        String channel = Api.createChannel(Ids.unique("crash"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("RR");
        Api.setStock(sku, location, 5);
        String order = shippedOrder(channel, location, sku, 2);
        String key = Ids.unique("key");
        Map<String, Object> body = Map.of("lines", List.of(Map.of("sku", sku, "quantity", 2)), "reason", "too big");

        ExtractableResponse<Response> first = as(Tokens.channel(channel)).header("Idempotency-Key", key).body(body)
                .post("/v1/orders/{id}/returns", order).then().statusCode(201).extract();
        assertEquals(first.path("id"), Db.strings("SELECT resource_id::text FROM idempotency_keys WHERE key = ?", key)
                .get(0), "the return's id is the one claimed with the key");
        crashAfterCommit(key);
        // without the recovery: 409 not-returnable (the units are claimed by the first return)
        ExtractableResponse<Response> retry = as(Tokens.channel(channel)).header("Idempotency-Key", key).body(body)
                .post("/v1/orders/{id}/returns", order).then().extract();
        assertRecovered(first, retry);
        assertEquals(1, Db.count("SELECT count(*) FROM returns WHERE order_id = ?::uuid", order));
    }

    @Test
    void aReceiptRetriedAfterACrashRestocksOnce() {
        String channel = Api.createChannel(Ids.unique("crash"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("RC");
        Api.setStock(sku, location, 5);
        String order = shippedOrder(channel, location, sku, 2);
        String returnId = as(Tokens.channel(channel)).body(Map.of("lines", List.of(Map.of("sku", sku, "quantity", 2))))
                .post("/v1/orders/{id}/returns", order).then().statusCode(201).extract().path("id");
        String key = Ids.unique("key");
        Map<String, Object> body = Map.of("location", location,
                "lines", List.of(Map.of("sku", sku, "quantity", 2, "restock", true)));

        ExtractableResponse<Response> first = as(Tokens.fulfillment()).header("Idempotency-Key", key).body(body)
                .post("/v1/returns/{id}/receive", returnId).then().statusCode(200)
                .body("status", equalTo("RECEIVED")).extract();
        crashAfterCommit(key);
        // without the recovery: 409 transition-not-allowed (RECEIVED → RECEIVED)
        ExtractableResponse<Response> retry = as(Tokens.fulfillment()).header("Idempotency-Key", key).body(body)
                .post("/v1/returns/{id}/receive", returnId).then().extract();
        assertRecovered(first, retry);
        assertEquals(List.of("5/0"), Db.strings(
                "SELECT on_hand || '/' || reserved FROM stock WHERE sku = ? AND location = ?", sku, location),
                "the two units came back once");
        assertEquals(1, Db.count("SELECT count(*) FROM order_history WHERE order_id = ?::uuid "
                + "AND type = 'order.return_received'", order));
    }

    @Test
    void aRefundRetriedAfterACrashRefundsOnce() {
        String channel = Api.createChannel(Ids.unique("crash"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("RF");
        Api.setStock(sku, location, 5);
        String order = shippedOrder(channel, location, sku, 2);
        String returnId = as(Tokens.channel(channel)).body(Map.of("lines", List.of(Map.of("sku", sku, "quantity", 2))))
                .post("/v1/orders/{id}/returns", order).then().statusCode(201).extract().path("id");
        as(Tokens.fulfillment()).body(Map.of("location", location, "lines", List.of(Map.of("sku", sku, "quantity", 2))))
                .post("/v1/returns/{id}/receive", returnId).then().statusCode(200);
        String key = Ids.unique("key");

        ExtractableResponse<Response> first = as(Tokens.fulfillment()).header("Idempotency-Key", key)
                .body(Map.of("amount", "15.00")).post("/v1/returns/{id}/refund", returnId).then().statusCode(200)
                .body("status", equalTo("REFUNDED")).extract();
        crashAfterCommit(key);
        // without the recovery: 409 transition-not-allowed (REFUNDED → REFUNDED)
        ExtractableResponse<Response> retry = as(Tokens.fulfillment()).header("Idempotency-Key", key)
                .body(Map.of("amount", "15.00")).post("/v1/returns/{id}/refund", returnId).then().extract();
        assertRecovered(first, retry);
        assertEquals(List.of("15.00"), Db.strings(
                "SELECT to_char(refunded_amount, 'FM999990.00') FROM returns WHERE id = ?::uuid", returnId));
        assertEquals(1, Db.count("SELECT count(*) FROM order_history WHERE order_id = ?::uuid "
                + "AND type = 'order.refunded'", order));
    }

    @Test
    void aStockAdjustmentRetriedAfterACrashAdjustsOnceAndAnswersAsItDid() {
        String channel = Api.createChannel(Ids.unique("crash"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("AD");
        Api.setStock(sku, location, 10);
        String key = Ids.unique("key");
        Map<String, Object> body = Map.of("delta", 5, "reason", "found in the back");

        ExtractableResponse<Response> first = asAdmin().header("Idempotency-Key", key).body(body)
                .post("/v1/stock/{sku}/{location}/adjustments", sku, location).then().statusCode(201)
                .body("onHand", equalTo(15)).extract();
        assertEquals(first.path("id"), Db.strings("SELECT resource_id::text FROM idempotency_keys WHERE key = ?", key)
                .get(0), "the movement's id is the one claimed with the key");
        // the stock moves on meanwhile; the recovered answer is still the adjustment as it was answered
        as(Tokens.channel(channel)).body(Api.order("AD-1", sku, 1)).post("/v1/orders").then().statusCode(201);
        crashAfterCommit(key);
        ExtractableResponse<Response> retry = asAdmin().header("Idempotency-Key", key).body(body)
                .post("/v1/stock/{sku}/{location}/adjustments", sku, location).then().extract();
        assertRecovered(first, retry);
        assertEquals(List.of("15/1"), Db.strings(
                "SELECT on_hand || '/' || reserved FROM stock WHERE sku = ? AND location = ?", sku, location));
        assertEquals(1, Db.count("SELECT count(*) FROM stock_movements WHERE sku = ? AND kind = 'ADJUSTMENT'", sku));
    }

    @Test
    void aWebhookCreationRetriedAfterACrashIsTheSameSubscriptionWithTheSameSecret() {
        String channel = Api.createChannel(Ids.unique("crash"));
        String key = Ids.unique("key");
        String url = "http://127.0.0.1:9/hooks/" + key;
        Map<String, Object> body = Map.of("url", url, "events", List.of("order.created"));

        ExtractableResponse<Response> first = as(Tokens.channel(channel)).header("Idempotency-Key", key).body(body)
                .post("/v1/webhooks").then().statusCode(201).extract();
        assertEquals(first.path("id"), Db.strings("SELECT resource_id::text FROM idempotency_keys WHERE key = ?", key)
                .get(0), "the subscription's id is the one claimed with the key");
        crashAfterCommit(key);
        // without the recovery: a second subscription with a second secret
        ExtractableResponse<Response> retry = as(Tokens.channel(channel)).header("Idempotency-Key", key).body(body)
                .post("/v1/webhooks").then().extract();
        assertRecovered(first, retry);
        assertEquals(first.<String> path("secret"), retry.<String> path("secret"));
        assertEquals(1, Db.count("SELECT count(*) FROM webhook_subscriptions WHERE url = ?", url));
        // and the secret is still shown nowhere else
        as(Tokens.channel(channel)).get("/v1/webhooks/{id}", first.<String> path("id")).then().statusCode(200)
                .contentType(ContentType.JSON).body("secret", nullValue());
    }
}
