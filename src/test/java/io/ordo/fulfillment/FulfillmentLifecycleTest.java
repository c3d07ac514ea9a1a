package io.ordo.fulfillment;

import static io.ordo.fulfillment.Fulfil.level;
import static io.ordo.fulfillment.Fulfil.received;
import static io.ordo.support.Api.as;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.ordo.support.Api;
import io.ordo.support.Db;
import io.ordo.support.Ids;
import io.ordo.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;

/** An order's second half of life: pick, pack and ship, deliver, return, receive, refund — stock checked throughout. */
@QuarkusTest
class FulfillmentLifecycleTest {

    @AfterEach
    void invariantsHold() {
        Db.assertInvariants();
    }

    @Test
    void placeProcessShipPartShipRestDeliverReturnReceiveAndRefund() {
        String channel = Api.createChannel(Ids.unique("life"));
        String wh1 = Api.createLocation(Ids.unique("WH"), 1);
        String wh2 = Api.createLocation(Ids.unique("WH"), 2);
        String tee = Ids.unique("TEE");
        String mug = Ids.unique("MUG");
        Api.setStock(tee, wh1, 3);
        Api.setStock(tee, wh2, 10);
        Api.setStock(mug, wh1, 10);

        String id = Fulfil.placeOrder(channel, "LIFE-1", tee, 4, mug, 2);
        assertEquals(List.of("3/3", "10/1", "10/2"), List.of(level(tee, wh1), level(tee, wh2), level(mug, wh1)));
        as(Tokens.fulfillment()).body(Map.of("status", "PROCESSING")).post("/v1/orders/{id}/status", id)
                .then().statusCode(200).body("status", equalTo("PROCESSING"));
        Db.assertInvariants();

        // ship part: every TEE of WH1 and one MUG
        Fulfil.ship(id, wh1, tee, 3, mug, 1).then().statusCode(201)
                .header("ETag", equalTo("\"3\""))
                .header("Location", equalTo("/v1/orders/" + id))
                .body("status", equalTo("PARTIALLY_SHIPPED"), "shipments", hasSize(1),
                        "shipments[0].location", equalTo(wh1), "shipments[0].carrier", equalTo("DHL"),
                        "shipments[0].trackingNumber", equalTo("JD0146" + wh1),
                        "shipments[0].lines.sku", contains(tee, mug), "shipments[0].lines.quantity", contains(3, 1),
                        "lines[0].allocations.location", contains(wh2), "lines[0].allocations.quantity", contains(1),
                        "lines[1].allocations.quantity", contains(1));
        assertEquals(List.of("0/0", "10/1", "9/1"), List.of(level(tee, wh1), level(tee, wh2), level(mug, wh1)));
        assertEquals(List.of("SHIPMENT " + tee + " -3 0", "SHIPMENT " + mug + " -1 9"), Db.strings(
                "SELECT kind || ' ' || sku || ' ' || delta || ' ' || on_hand_after FROM stock_movements "
                        + "WHERE location = ? AND kind = 'SHIPMENT' ORDER BY sku = ? DESC", wh1, tee));
        Db.assertInvariants();

        // after a shipment the order can no longer be cancelled, nor delivered before the rest has left
        as(Tokens.channel(channel)).body(Map.of("reason", "too late")).post("/v1/orders/{id}/cancel", id)
                .then().statusCode(409).body("type", equalTo("urn:ordo:problem:transition-not-allowed"),
                        "currentStatus", equalTo("PARTIALLY_SHIPPED"));
        as(Tokens.fulfillment()).body(Map.of("status", "DELIVERED")).post("/v1/orders/{id}/status", id)
                .then().statusCode(409);

        // ship the rest, from where it is reserved
        Fulfil.ship(id, wh2, tee, 1).then().statusCode(201).body("status", equalTo("PARTIALLY_SHIPPED"));
        Fulfil.ship(id, wh1, mug, 1).then().statusCode(201)
                .body("status", equalTo("SHIPPED"), "shipments", hasSize(3),
                        "lines[0].allocations", empty(), "lines[1].allocations", empty());
        assertEquals(List.of("0/0", "9/0", "8/0"), List.of(level(tee, wh1), level(tee, wh2), level(mug, wh1)));
        Db.assertInvariants();

        as(Tokens.fulfillment()).body(Map.of("status", "DELIVERED")).post("/v1/orders/{id}/status", id)
                .then().statusCode(200).body("status", equalTo("DELIVERED"));

        // the customer sends part back: the channel asks, only what was shipped and not yet returned
        String returnId = Fulfil.requestReturn(Tokens.channel(channel), id, tee, 3, mug, 1).then().statusCode(201)
                .body("status", equalTo("REQUESTED"), "orderId", equalTo(id), "reason", equalTo("does not fit"),
                        "lines.sku", contains(tee, mug), "lines.quantity", contains(3, 1),
                        "lines.received", contains(0, 0), "refundedAmount", equalTo("0.00"))
                .extract().path("id");
        Fulfil.requestReturn(Tokens.channel(channel), id, tee, 2).then().statusCode(409)
                .body("type", equalTo("urn:ordo:problem:not-returnable"),
                        "lines[0].sku", equalTo(tee), "lines[0].requested", equalTo(2), "lines[0].returnable", equalTo(1));
        as(Tokens.channel(channel)).get("/v1/returns/{id}", returnId).then().statusCode(200)
                .body("status", equalTo("REQUESTED"));

        // received at WH2: two TEEs back on the shelf, one damaged; the MUG restocked where it never was before
        Fulfil.receive(returnId, wh2, received(tee, 2, true), received(tee, 1, false), received(mug, 1, true))
                .then().statusCode(200)
                .body("status", equalTo("RECEIVED"), "location", equalTo(wh2),
                        "lines.received", contains(3, 1), "lines.restocked", contains(2, 1));
        assertEquals(List.of("0/0", "11/0", "8/0", "1/0"),
                List.of(level(tee, wh1), level(tee, wh2), level(mug, wh1), level(mug, wh2)));
        assertEquals(List.of("RETURN " + tee + " 2 11", "RETURN " + mug + " 1 1"), Db.strings(
                "SELECT kind || ' ' || sku || ' ' || delta || ' ' || on_hand_after FROM stock_movements "
                        + "WHERE location = ? AND kind = 'RETURN' ORDER BY sku = ? DESC", wh2, tee));
        Db.assertInvariants();

        // refund: at most what was paid for the returned units (4 x 10.00)
        String before = Db.snapshot();
        Fulfil.refund(returnId, "40.01").then().statusCode(409)
                .body("type", equalTo("urn:ordo:problem:refund-exceeds-paid"),
                        "refundableAmount", equalTo("40.00"), "requestedAmount", equalTo("40.01"));
        assertEquals(before, Db.snapshot());
        Fulfil.refund(returnId, "40.00").then().statusCode(200)
                .body("status", equalTo("REFUNDED"), "refundedAmount", equalTo("40.00"));
        Fulfil.refund(returnId, "1.00").then().statusCode(409)
                .body("type", equalTo("urn:ordo:problem:transition-not-allowed"), "currentStatus", equalTo("REFUNDED"));

        as(Tokens.channel(channel)).get("/v1/orders/{id}", id).then().statusCode(200)
                .body("status", equalTo("DELIVERED"), "returns", hasSize(1), "returns[0].status", equalTo("REFUNDED"),
                        "shipments", hasSize(3));
        as(Tokens.channel(channel)).get("/v1/orders/{id}/history", id).then().statusCode(200)
                .body("items.type", contains("order.created", "order.status_changed", "order.shipment_created",
                        "order.status_changed", "order.shipment_created", "order.shipment_created",
                        "order.status_changed", "order.status_changed", "order.return_requested",
                        "order.return_received", "order.refunded"),
                        "items.status", contains("ACCEPTED", "PROCESSING", "PARTIALLY_SHIPPED", "PARTIALLY_SHIPPED",
                                "PARTIALLY_SHIPPED", "SHIPPED", "SHIPPED", "DELIVERED", "DELIVERED", "DELIVERED",
                                "DELIVERED"),
                        "items[2].detail.trackingNumber", equalTo("JD0146" + wh1),
                        "items[8].detail.returnId", equalTo(returnId),
                        "items[10].detail.amount", equalTo("40.00"));
        // every event also went to the outbox, numbered like the history
        assertEquals(Db.strings("SELECT type FROM order_history WHERE order_id = ?::uuid ORDER BY sequence", id),
                Db.strings("SELECT type FROM outbox WHERE aggregate_id = ?::uuid ORDER BY sequence", id));
    }

    @Test
    void cancellingAProcessingOrderReleasesItsReservations() {
        String channel = Api.createChannel(Ids.unique("cancel"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("CAN");
        Api.setStock(sku, location, 10);
        String id = Fulfil.placeOrder(channel, "CAN-1", sku, 4);
        as(Tokens.fulfillment()).body(Map.of("status", "PROCESSING")).post("/v1/orders/{id}/status", id)
                .then().statusCode(200);
        as(Tokens.channel(channel)).body(Map.of("reason", "changed mind")).post("/v1/orders/{id}/cancel", id)
                .then().statusCode(200).body("status", equalTo("CANCELLED"), "lines[0].allocations", empty());
        assertEquals("10/0", level(sku, location));
        Fulfil.ship(id, location, sku, 1).then().statusCode(409)
                .body("type", equalTo("urn:ordo:problem:transition-not-allowed"), "currentStatus", equalTo("CANCELLED"));
    }

    @Test
    void aChannelAsksBackItsOwnOrdersOnlyAndTheWarehouseShipsAnyOrder() {
        String channel = Api.createChannel(Ids.unique("own"));
        String other = Api.createChannel(Ids.unique("other"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("OWN");
        Api.setStock(sku, location, 10);
        String id = Fulfil.placeOrder(channel, "OWN-1", sku, 2);
        Fulfil.ship(id, location, sku, 2).then().statusCode(201).body("status", equalTo("SHIPPED"));

        String before = Db.snapshot();
        Fulfil.requestReturn(Tokens.channel(other), id, sku, 1).then().statusCode(404);
        as(Tokens.channel(channel)).body(Fulfil.shipment(location, sku, 1)).post("/v1/orders/{id}/shipments", id)
                .then().statusCode(403);
        assertEquals(before, Db.snapshot());

        String returnId = Fulfil.requestReturn(Tokens.channel(channel), id, sku, 1).then().statusCode(201)
                .header("Location", equalTo("/v1/returns/" + Db.strings("SELECT id::text FROM returns WHERE order_id = ?::uuid", id).get(0)))
                .extract().path("id");
        as(Tokens.channel(other)).get("/v1/returns/{id}", returnId).then().statusCode(404);
        as(Tokens.channel(channel)).get("/v1/returns/{id}", returnId).then().statusCode(200);
        as(Tokens.channel(channel)).body(Map.of("location", location, "lines", List.of(received(sku, 1, true))))
                .post("/v1/returns/{id}/receive", returnId).then().statusCode(403);
        as(Tokens.channel(channel)).body(Map.of("amount", "1.00")).post("/v1/returns/{id}/refund", returnId)
                .then().statusCode(403);
        Fulfil.receive(returnId, location, received(sku, 1, true)).then().statusCode(200);
        as(Tokens.fulfillment()).get("/v1/returns/{id}", returnId).then().statusCode(200)
                .body("status", equalTo("RECEIVED"));
    }

    @Test
    void aShipmentWithAnIdempotencyKeyHappensOnce() {
        String channel = Api.createChannel(Ids.unique("idem"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("IDEM");
        Api.setStock(sku, location, 10);
        String id = Fulfil.placeOrder(channel, "IDEM-1", sku, 3);
        String key = Ids.unique("ship");
        as(Tokens.fulfillment()).header("Idempotency-Key", key).body(Fulfil.shipment(location, sku, 1))
                .post("/v1/orders/{id}/shipments", id).then().statusCode(201).body("status", equalTo("PARTIALLY_SHIPPED"));
        as(Tokens.fulfillment()).header("Idempotency-Key", key).body(Fulfil.shipment(location, sku, 1))
                .post("/v1/orders/{id}/shipments", id).then().statusCode(201)
                .header("Idempotent-Replayed", equalTo("true")).body("shipments", hasSize(1));
        as(Tokens.fulfillment()).header("Idempotency-Key", key).body(Fulfil.shipment(location, sku, 2))
                .post("/v1/orders/{id}/shipments", id).then().statusCode(422);
        assertEquals(1, Db.count("SELECT count(*) FROM shipments WHERE order_id = ?::uuid", id));
        assertEquals("9/2", level(sku, location));
    }
}
