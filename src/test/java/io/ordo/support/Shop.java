package io.ordo.support;

import static io.ordo.support.Api.as;

import java.util.List;
import java.util.Map;

import io.restassured.path.json.JsonPath;

/** A channel of its own with one location and one SKU in stock there, for a test that needs a shop to itself. */
public record Shop(String channel, String sku) {

    /** A new channel (code from {@code prefix}), a location and a SKU with {@code stock} units on hand. */
    public static Shop create(String prefix, int stock) {
        String channel = Api.createChannel(Ids.unique(prefix));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("SKU");
        Api.setStock(sku, location, stock);
        return new Shop(channel, sku);
    }

    /** Subscribes the receiver to these events of the shop's channel, and tells it the secret; returns {id, secret}. */
    public static JsonPath subscribe(Shop shop, WebhookReceiver receiver, String... events) {
        JsonPath created = as(Tokens.channel(shop.channel()))
                .body(Map.of("url", receiver.url("/hooks/" + shop.channel()), "events", List.of(events)))
                .post("/v1/webhooks").then().statusCode(201).extract().jsonPath();
        receiver.verifyWith(created.getString("secret"));
        return created;
    }
}
