package io.ordo.fulfillment;

import static io.ordo.support.Api.as;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.ordo.support.Api;
import io.ordo.support.Db;
import io.ordo.support.Tokens;
import io.restassured.response.Response;

/** Shortcuts for the fulfillment tests: bodies, calls as the warehouse, stock levels read behind the API's back. */
final class Fulfil {
    private Fulfil() {
    }

    /** {@code [{sku, quantity}]} from sku, quantity pairs. */
    static List<Map<String, Object>> lines(Object... skuQuantityPairs) {
        List<Map<String, Object>> lines = new ArrayList<>();
        for (int i = 0; i < skuQuantityPairs.length; i += 2) {
            lines.add(Map.of("sku", skuQuantityPairs[i], "quantity", skuQuantityPairs[i + 1]));
        }
        return lines;
    }

    static Map<String, Object> shipment(String location, Object... skuQuantityPairs) {
        return Map.of("location", location, "lines", lines(skuQuantityPairs), "carrier", "DHL",
                "trackingNumber", "JD0146" + location);
    }

    static Response ship(String orderId, String location, Object... skuQuantityPairs) {
        return as(Tokens.fulfillment()).body(shipment(location, skuQuantityPairs))
                .post("/v1/orders/{id}/shipments", orderId);
    }

    static Response requestReturn(String token, String orderId, Object... skuQuantityPairs) {
        return as(token).body(Map.of("lines", lines(skuQuantityPairs), "reason", "does not fit"))
                .post("/v1/orders/{id}/returns", orderId);
    }

    /** A receive line. */
    static Map<String, Object> received(String sku, int quantity, boolean restock) {
        return Map.of("sku", sku, "quantity", quantity, "restock", restock);
    }

    @SafeVarargs
    static Response receive(String returnId, String location, Map<String, Object>... lines) {
        return as(Tokens.fulfillment()).body(Map.of("location", location, "lines", List.of(lines)))
                .post("/v1/returns/{id}/receive", returnId);
    }

    static Response refund(String returnId, String amount) {
        return as(Tokens.fulfillment()).body(Map.of("amount", amount)).post("/v1/returns/{id}/refund", returnId);
    }

    static String placeOrder(String channel, String externalId, Object... skuQuantityPairs) {
        return as(Tokens.channel(channel)).body(Api.order(externalId, skuQuantityPairs)).post("/v1/orders")
                .then().statusCode(201).extract().path("id");
    }

    /** "onHand/reserved" of one stock row. */
    static String level(String sku, String location) {
        return Db.strings("SELECT on_hand || '/' || reserved FROM stock WHERE sku = ? AND location = ?", sku, location)
                .get(0);
    }
}
