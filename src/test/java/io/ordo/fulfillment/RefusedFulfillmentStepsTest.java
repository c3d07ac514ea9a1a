package io.ordo.fulfillment;

import static io.ordo.fulfillment.Fulfil.received;
import static io.ordo.support.Api.as;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.ordo.support.Api;
import io.ordo.support.Db;
import io.ordo.support.Ids;
import io.ordo.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;

/** Every refused step answers what is wrong and leaves stock, orders, shipments and returns exactly as they were. */
@QuarkusTest
class RefusedFulfillmentStepsTest {
    String channel;
    String wh1;
    String wh2;
    String tee;
    String mug;
    String before;

    @BeforeEach
    void catalogue() {
        channel = Api.createChannel(Ids.unique("refuse"));
        wh1 = Api.createLocation(Ids.unique("WH"), 1);
        wh2 = Api.createLocation(Ids.unique("WH"), 2);
        tee = Ids.unique("TEE");
        mug = Ids.unique("MUG");
        Api.setStock(tee, wh1, 2);
        Api.setStock(tee, wh2, 10);
        Api.setStock(mug, wh2, 10);
    }

    @AfterEach
    void nothingChangedAndInvariantsHold() {
        assertEquals(before, Db.snapshot(), "a refused step must change nothing");
        Db.assertInvariants();
    }

    @Test
    void overShippingShippingFromTheWrongLocationAndAnUnorderedSku() {
        String id = Fulfil.placeOrder(channel, "R-1", tee, 3, mug, 1); // tee: 2 at WH1, 1 at WH2
        String other = Ids.unique("NOPE");
        before = Db.snapshot();
        Fulfil.ship(id, wh1, tee, 3).then().statusCode(409).contentType("application/problem+json")
                .body("type", equalTo("urn:ordo:problem:not-shippable"), "status", equalTo(409),
                        "lines.sku", contains(tee), "lines.requested", contains(3), "lines.shippable", contains(2));
        Fulfil.ship(id, wh1, tee, 1, mug, 1).then().statusCode(409)
                .body("lines.sku", contains(mug), "lines.shippable", contains(0));
        Fulfil.ship(id, wh2, mug, 1, other, 1).then().statusCode(409)
                .body("lines.sku", contains(other), "lines.requested", contains(1), "lines.shippable", contains(0));
        Fulfil.ship(id, Ids.unique("GHOST"), tee, 1).then().statusCode(409);
    }

    @Test
    void shippingACancelledOrderAStaleVersionAndBadBodies() {
        String id = Fulfil.placeOrder(channel, "R-2", tee, 1);
        String cancelled = Fulfil.placeOrder(channel, "R-3", tee, 1);
        as(Tokens.channel(channel)).body(Map.of()).post("/v1/orders/{id}/cancel", cancelled).then().statusCode(200);
        before = Db.snapshot();
        Fulfil.ship(cancelled, wh1, tee, 1).then().statusCode(409)
                .body("type", equalTo("urn:ordo:problem:transition-not-allowed"), "currentStatus", equalTo("CANCELLED"));
        as(Tokens.fulfillment()).header("If-Match", "\"7\"").body(Fulfil.shipment(wh1, tee, 1))
                .post("/v1/orders/{id}/shipments", id).then().statusCode(412).body("currentVersion", equalTo(1));
        as(Tokens.fulfillment()).body(Map.of("location", wh1, "lines", Fulfil.lines(tee, 1, tee, 1), "carrier", "DHL",
                "trackingNumber", "T")).post("/v1/orders/{id}/shipments", id).then().statusCode(400)
                .body("errors[0].field", equalTo("lines[1].sku"));
        as(Tokens.fulfillment()).body(Map.of("location", wh1, "lines", Fulfil.lines(tee, 0), "trackingNumber", "T"))
                .post("/v1/orders/{id}/shipments", id).then().statusCode(400)
                .body("errors.field", contains("carrier", "lines[0].quantity"));
        as(Tokens.fulfillment()).body(Fulfil.shipment(wh1, tee, 1))
                .post("/v1/orders/{id}/shipments", java.util.UUID.randomUUID()).then().statusCode(404);
    }

    @Test
    void deliveringBeforeEverythingShippedAndCancellingAfterAShipment() {
        String id = Fulfil.placeOrder(channel, "R-4", tee, 2);
        Fulfil.ship(id, wh1, tee, 1).then().statusCode(201);
        before = Db.snapshot();
        as(Tokens.fulfillment()).body(Map.of("status", "DELIVERED")).post("/v1/orders/{id}/status", id)
                .then().statusCode(409).body("currentStatus", equalTo("PARTIALLY_SHIPPED"));
        as(Tokens.fulfillment()).body(Map.of("status", "SHIPPED")).post("/v1/orders/{id}/status", id)
                .then().statusCode(409);
        as(Tokens.channel(channel)).body(Map.of("reason", "late")).post("/v1/orders/{id}/cancel", id)
                .then().statusCode(409).body("type", equalTo("urn:ordo:problem:transition-not-allowed"));
    }

    @Test
    void returningWhatWasNotShippedOrIsAlreadyClaimed() {
        String id = Fulfil.placeOrder(channel, "R-6", tee, 2, mug, 2); // both TEEs at WH1
        String unshipped = Fulfil.placeOrder(channel, "R-5", tee, 1);
        Fulfil.ship(id, wh1, tee, 2).then().statusCode(201);
        Fulfil.requestReturn(Tokens.channel(channel), id, tee, 1).then().statusCode(201);
        before = Db.snapshot();
        Fulfil.requestReturn(Tokens.channel(channel), unshipped, tee, 1).then().statusCode(409)
                .body("type", equalTo("urn:ordo:problem:not-returnable"), "lines.returnable", contains(0));
        // one TEE is claimed by the REQUESTED return, the MUGs never left
        Fulfil.requestReturn(Tokens.channel(channel), id, tee, 2, mug, 1).then().statusCode(409)
                .body("lines.sku", contains(tee, mug), "lines.requested", contains(2, 1), "lines.returnable", contains(1, 0));
        as(Tokens.channel(channel)).header("If-Match", "\"1\"").body(Map.of("lines", Fulfil.lines(tee, 1)))
                .post("/v1/orders/{id}/returns", id).then().statusCode(412);
    }

    @Test
    void receivingMoreThanAskedTwiceOrAtNoLocationAndRefundingTooMuchOrTooEarly() {
        String id = Fulfil.placeOrder(channel, "R-7", tee, 2);
        Fulfil.ship(id, wh1, tee, 2).then().statusCode(201);
        String asked = Fulfil.requestReturn(Tokens.channel(channel), id, tee, 1).then().statusCode(201)
                .extract().path("id");
        String second = Fulfil.requestReturn(Tokens.channel(channel), id, tee, 1).then().statusCode(201)
                .extract().path("id");
        Fulfil.receive(second, wh1, received(tee, 1, false)).then().statusCode(200);
        before = Db.snapshot();

        Fulfil.refund(asked, "1.00").then().statusCode(409)
                .body("type", equalTo("urn:ordo:problem:transition-not-allowed"), "currentStatus", equalTo("REQUESTED"));
        Fulfil.receive(asked, wh1, received(tee, 1, true), received(tee, 1, false)).then().statusCode(409)
                .body("type", equalTo("urn:ordo:problem:return-mismatch"),
                        "lines.received", contains(2), "lines.requested", contains(1));
        Fulfil.receive(asked, wh1, received(mug, 1, true)).then().statusCode(409)
                .body("lines.sku", contains(mug), "lines.requested", contains(0));
        Fulfil.receive(asked, Ids.unique("GHOST"), received(tee, 1, true)).then().statusCode(400)
                .body("errors[0].field", equalTo("location"));
        Fulfil.receive(second, wh1, received(tee, 1, true)).then().statusCode(409)
                .body("currentStatus", equalTo("RECEIVED"), "requestedStatus", equalTo("RECEIVED"));
        Fulfil.refund(second, "10.01").then().statusCode(409)
                .body("refundableAmount", equalTo("10.00"), "requestedAmount", equalTo("10.01"));
        Fulfil.refund(second, "1.001").then().statusCode(400).body("errors[0].field", equalTo("amount"));
        Fulfil.refund(second, "0").then().statusCode(400).body("errors[0].field", equalTo("amount"));
        Fulfil.refund(second, "-1").then().statusCode(400);
        Fulfil.refund(java.util.UUID.randomUUID().toString(), "1.00").then().statusCode(404);
        as(Tokens.fulfillment()).body(Map.of("location", wh1, "lines", List.of())).post("/v1/returns/{id}/receive", asked)
                .then().statusCode(400);
    }
}
