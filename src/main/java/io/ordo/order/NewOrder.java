package io.ordo.order;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A validated order on its way into the database, with its id, channel and total settled. {@code resume}: the id is
 * an idempotency claim's that an earlier, crashed attempt may already have committed ({@code place_order} then
 * answers DUPLICATE with this id instead of checking stock first). {@code currencyDigits}: the currency's minor units
 * ({@link Money#minorUnits}), which the order row keeps for every JSON of the order.
 */
record NewOrder(UUID id, String channel, PlaceOrder request, BigDecimal total, int currencyDigits, String actor,
        boolean resume) {

    /** The JSON that the {@code place_order} SQL function reads. */
    JsonObject toJson() {
        JsonArray lines = new JsonArray();
        for (PlaceOrderLine line : request.lines()) {
            lines.add(new JsonObject().put("sku", line.sku()).put("quantity", line.quantity())
                    .put("unitPrice", line.unitPrice()));
        }
        Customer c = request.customer();
        ShippingAddress a = request.shippingAddress();
        JsonObject json = new JsonObject()
                .put("id", id.toString())
                .put("channel", channel)
                .put("externalId", request.externalId())
                .put("currency", request.currency())
                .put("currencyDigits", currencyDigits)
                .put("customer", new JsonObject().put("email", c.email()).put("name", c.name()).put("phone", c.phone()))
                .put("shippingAddress", new JsonObject().put("line1", a.line1()).put("line2", a.line2())
                        .put("city", a.city()).put("region", a.region()).put("postalCode", a.postalCode())
                        .put("country", a.country()))
                .put("total", total.toPlainString())
                .put("holdId", request.holdId() == null ? null : request.holdId().toString())
                .put("actor", actor)
                .put("lines", lines);
        if (a.latitude() != null) {
            json.getJsonObject("shippingAddress").put("latitude", a.latitude()).put("longitude", a.longitude());
        }
        if (resume) {
            json.put("resume", true);
        }
        return json;
    }

    static List<JsonObject> toJson(List<NewOrder> orders) {
        return orders.stream().map(NewOrder::toJson).toList();
    }
}
