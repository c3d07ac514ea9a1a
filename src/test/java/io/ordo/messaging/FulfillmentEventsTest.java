package io.ordo.messaging;

import static io.ordo.support.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.ordo.support.AmqpPeer;
import io.ordo.support.Api;
import io.ordo.support.Ids;
import io.ordo.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;

/** Shipments, returns and refunds reach AMQP as CloudEvents of the order, in order, with the order as data. */
@QuarkusTest
class FulfillmentEventsTest {

    @Test
    void shipmentReturnAndRefundEventsInOrder() {
        AmqpPeer events = AmqpPeer.orderEvents();
        String channel = Api.createChannel(Ids.unique("fev"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("FEV");
        Api.setStock(sku, location, 100);
        String id = as(Tokens.channel(channel)).body(Api.order("FEV-1", sku, 2)).post("/v1/orders")
                .then().statusCode(201).extract().path("id");
        as(Tokens.fulfillment()).body(Map.of("location", location, "lines", List.of(Map.of("sku", sku, "quantity", 2)),
                "carrier", "DHL", "trackingNumber", "TRACK-1")).post("/v1/orders/{id}/shipments", id)
                .then().statusCode(201);
        String returnId = as(Tokens.channel(channel)).body(Map.of("lines", List.of(Map.of("sku", sku, "quantity", 1))))
                .post("/v1/orders/{id}/returns", id).then().statusCode(201).extract().path("id");
        as(Tokens.fulfillment()).body(Map.of("location", location, "lines",
                List.of(Map.of("sku", sku, "quantity", 1, "restock", false))))
                .post("/v1/returns/{id}/receive", returnId).then().statusCode(200);
        as(Tokens.fulfillment()).body(Map.of("amount", "10.00")).post("/v1/returns/{id}/refund", returnId)
                .then().statusCode(200);

        List<AmqpPeer.Received> received = events.awaitMatching(m -> id.equals(m.property("cloudEvents:subject")), 6,
                Duration.ofSeconds(30));
        assertEquals(List.of("io.ordo.order.created", "io.ordo.order.shipment_created", "io.ordo.order.status_changed",
                "io.ordo.order.return_requested", "io.ordo.order.return_received", "io.ordo.order.refunded"),
                received.stream().map(m -> m.property("cloudEvents:type")).toList());
        assertEquals(List.of(1, 2, 3, 4, 5, 6),
                received.stream().map(m -> ((Number) m.property("cloudEvents:ordosequence")).intValue()).toList());
        assertEquals("SHIPPED", received.get(1).json().getString("status"));
        assertEquals("TRACK-1", received.get(1).json().getJsonArray("shipments").getJsonObject(0)
                .getString("trackingNumber"));
        assertEquals("REFUNDED", received.get(5).json().getJsonArray("returns").getJsonObject(0).getString("status"));
        assertEquals("10.00", received.get(5).json().getJsonArray("returns").getJsonObject(0)
                .getString("refundedAmount"));
    }
}
