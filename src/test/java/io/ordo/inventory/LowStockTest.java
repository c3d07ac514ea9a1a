package io.ordo.inventory;

import static io.ordo.support.Api.as;
import static io.ordo.support.Api.asAdmin;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.ordo.support.AmqpPeer;
import io.ordo.support.Api;
import io.ordo.support.Db;
import io.ordo.support.Ids;
import io.ordo.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;

/**
 * stock.low: one event when available at a location falls to the threshold (ordo.stock.low-threshold, 5 here, or the
 * row's own), none while it stays low, and one again only after it rose above and fell once more.
 */
@QuarkusTest
class LowStockTest {

    @AfterEach
    void invariantsHold() {
        Db.assertInvariants();
    }

    /** "available:threshold" of each stock.low event of this row, oldest first. */
    static List<String> lowEvents(String sku, String location) {
        return Db.strings("""
                SELECT (o.payload ->> 'available') || ':' || (o.payload ->> 'threshold') || '#' || o.sequence
                  FROM outbox o JOIN stock s ON s.id = o.aggregate_id
                 WHERE o.aggregate_type = 'stock' AND o.type = 'stock.low' AND s.sku = ? AND s.location = ?
                 ORDER BY o.id""", sku, location);
    }

    @Test
    void oneEventPerCrossingThroughOrdersCancellationsAndAdjustments() {
        String channel = Api.createChannel(Ids.unique("low"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("LOW");
        Api.setStock(sku, location, 10);
        assertEquals(List.of(), lowEvents(sku, location));

        String first = place(channel, "L-1", sku, 4); // available 6: above
        assertEquals(List.of(), lowEvents(sku, location));
        String second = place(channel, "L-2", sku, 1); // available 5: crossed
        assertEquals(List.of("5:5#1"), lowEvents(sku, location));
        place(channel, "L-3", sku, 1); // 4: still low, no new event
        place(channel, "L-4", sku, 2); // 2
        assertEquals(List.of("5:5#1"), lowEvents(sku, location));

        cancel(channel, first); // 6: above again, the flag is cleared without an event
        cancel(channel, second); // 7
        assertEquals(List.of("5:5#1"), lowEvents(sku, location));
        place(channel, "L-5", sku, 3); // 4: crossed again
        assertEquals(List.of("5:5#1", "4:5#2"), lowEvents(sku, location));

        // counts and adjustments are crossings too: up (cleared), then down (fires)
        asAdmin().body(Map.of("delta", 20, "reason", "delivery")).post("/v1/stock/{sku}/{l}/adjustments", sku, location)
                .then().statusCode(201);
        asAdmin().body(Map.of("delta", -19, "reason", "broken")).post("/v1/stock/{sku}/{l}/adjustments", sku, location)
                .then().statusCode(201);
        assertEquals(List.of("5:5#1", "4:5#2", "5:5#3"), lowEvents(sku, location));
    }

    @Test
    void holdsCanCrossAndAReturnRestockClearsTheFlag() {
        String channel = Api.createChannel(Ids.unique("lowhold"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("LOWH");
        Api.setStock(sku, location, 8);
        String hold = Api.hold(channel, sku, 3);
        assertEquals(List.of("5:5#1"), lowEvents(sku, location));
        as(Tokens.channel(channel)).delete("/v1/holds/{id}", hold).then().statusCode(204);
        assertEquals(List.of(false), flags(sku, location));

        String id = place(channel, "LH-1", sku, 4); // available 4: fires again
        assertEquals(List.of("5:5#1", "4:5#2"), lowEvents(sku, location));
        as(Tokens.fulfillment()).body(Map.of("location", location, "lines", List.of(Map.of("sku", sku, "quantity", 4)),
                "carrier", "UPS", "trackingNumber", "1Z")).post("/v1/orders/{id}/shipments", id).then().statusCode(201);
        String returnId = as(Tokens.channel(channel)).body(Map.of("lines", List.of(Map.of("sku", sku, "quantity", 4))))
                .post("/v1/orders/{id}/returns", id).then().statusCode(201).extract().path("id");
        as(Tokens.fulfillment()).body(Map.of("location", location, "lines",
                List.of(Map.of("sku", sku, "quantity", 4, "restock", true))))
                .post("/v1/returns/{id}/receive", returnId).then().statusCode(200);
        assertEquals(List.of(false), flags(sku, location)); // available 8 again
        assertEquals(2, lowEvents(sku, location).size());
    }

    @Test
    void aRowMayHaveItsOwnThresholdAndTheEventArrivesOnAmqp() {
        AmqpPeer events = AmqpPeer.orderEvents();
        String channel = Api.createChannel(Ids.unique("own"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("OWNT");
        as(Tokens.fulfillment()).body(Map.of("onHand", 100, "lowStockThreshold", 50))
                .put("/v1/stock/{sku}/{l}", sku, location).then().statusCode(200);
        as(Tokens.fulfillment()).get("/v1/stock/{sku}", sku).then()
                .body("locations.lowStockThreshold", contains(50));
        place(channel, "OT-1", sku, 49); // 51: above its own threshold
        assertEquals(List.of(), lowEvents(sku, location));
        place(channel, "OT-2", sku, 1); // 50
        assertEquals(List.of("50:50#1"), lowEvents(sku, location));

        String stockId = Db.strings("SELECT id::text FROM stock WHERE sku = ? AND location = ?", sku, location).get(0);
        AmqpPeer.Received event = events.awaitMatching(m -> stockId.equals(m.property("cloudEvents:subject")), 1,
                Duration.ofSeconds(30)).get(0);
        assertEquals("io.ordo.stock.low", event.property("cloudEvents:type"));
        assertEquals("stock", event.property("cloudEvents:ordoaggregate"));
        assertEquals(1, ((Number) event.property("cloudEvents:ordosequence")).intValue());
        assertEquals(sku, event.json().getString("sku"));
        assertEquals(location, event.json().getString("location"));
        assertEquals(50, event.json().getInteger("available"));
        assertEquals(50, event.json().getInteger("threshold"));
    }

    private static List<Boolean> flags(String sku, String location) {
        return Db.strings("SELECT low_stock_notified::text FROM stock WHERE sku = ? AND location = ?", sku, location)
                .stream().map(Boolean::valueOf).toList();
    }

    private static String place(String channel, String externalId, String sku, int quantity) {
        return as(Tokens.channel(channel)).body(Api.order(externalId, sku, quantity)).post("/v1/orders")
                .then().statusCode(201).extract().path("id");
    }

    private static void cancel(String channel, String id) {
        as(Tokens.channel(channel)).body(Map.of()).post("/v1/orders/{id}/cancel", id).then().statusCode(200)
                .body("status", equalTo("CANCELLED"));
    }
}
