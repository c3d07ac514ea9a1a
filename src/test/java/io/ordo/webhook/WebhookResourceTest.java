package io.ordo.webhook;

import static io.ordo.support.Api.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.ordo.support.Api;
import io.ordo.support.Db;
import io.ordo.support.Ids;
import io.ordo.support.Tokens;
import io.ordo.support.WebhookReceiver;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** Subscriptions over the API: secrets shown once, channel scoping, validation, rotation. */
@QuarkusTest
class WebhookResourceTest {
    static final String URL = "http://127.0.0.1:9/hooks";

    @Test
    void theSecretIsShownAtCreationAndNeverAgain() {
        String channel = Api.createChannel(Ids.unique("wr"));
        JsonPath created = as(Tokens.channel(channel))
                .body(Map.of("url", URL, "events", List.of("order.created"), "description", "EU shop"))
                .post("/v1/webhooks").then().statusCode(201)
                .header("Location", startsWith("/v1/webhooks/"))
                .body("url", equalTo(URL)).body("events", equalTo(List.of("order.created")))
                .body("channel", equalTo(channel)).body("enabled", equalTo(true))
                .body("secret", startsWith("whsec_")).extract().jsonPath();
        String id = created.getString("id");
        as(Tokens.channel(channel)).get("/v1/webhooks/{id}", id).then().statusCode(200)
                .body("description", equalTo("EU shop")).body("$", not(org.hamcrest.Matchers.hasKey("secret")));
        as(Tokens.admin()).get("/v1/webhooks").then().statusCode(200)
                .body(not(containsString(created.getString("secret"))));
        as(Tokens.channel(channel)).get("/v1/webhooks").then().statusCode(200)
                .body("items.id", equalTo(List.of(id)));
        // stored for signing, not hashed; but only ever sent back by rotate-secret
        assertEquals(List.of(created.getString("secret")),
                Db.strings("SELECT secret FROM webhook_subscriptions WHERE id = ?::uuid", java.util.UUID.fromString(id)));
    }

    @Test
    void aChannelManagesOnlyItsOwnSubscriptionsAndAnAdminManagesAll() {
        String mine = Api.createChannel(Ids.unique("wr-a"));
        String theirs = Api.createChannel(Ids.unique("wr-b"));
        String their = as(Tokens.channel(theirs)).body(Map.of("url", URL, "events", List.of("order.created")))
                .post("/v1/webhooks").then().statusCode(201).extract().path("id");
        String everyChannel = as(Tokens.admin()).body(Map.of("url", URL, "events", List.of("hold.expired")))
                .post("/v1/webhooks").then().statusCode(201).body("channel", nullValue()).extract().path("id");

        for (String other : List.of(their, everyChannel)) {
            as(Tokens.channel(mine)).get("/v1/webhooks/{id}", other).then().statusCode(404);
            as(Tokens.channel(mine)).body(Map.of("enabled", false)).patch("/v1/webhooks/{id}", other).then().statusCode(404);
            as(Tokens.channel(mine)).post("/v1/webhooks/{id}/rotate-secret", other).then().statusCode(404);
            as(Tokens.channel(mine)).get("/v1/webhooks/{id}/deliveries", other).then().statusCode(404);
            as(Tokens.channel(mine)).delete("/v1/webhooks/{id}", other).then().statusCode(404);
        }
        as(Tokens.channel(mine)).get("/v1/webhooks").then().body("items.id", not(hasItem(their)));
        as(Tokens.channel(mine)).queryParam("channel", theirs).get("/v1/webhooks").then().body("items", equalTo(List.of()));
        // a channel token cannot subscribe for another channel
        as(Tokens.channel(mine)).body(Map.of("url", URL, "events", List.of("order.created"), "channel", theirs))
                .post("/v1/webhooks").then().statusCode(403);
        as(Tokens.fulfillment()).get("/v1/webhooks").then().statusCode(403);

        as(Tokens.admin()).queryParam("channel", theirs).get("/v1/webhooks").then().body("items.id", equalTo(List.of(their)));
        as(Tokens.admin()).body(Map.of("events", List.of("order.created", "order.cancelled"), "description", "x"))
                .patch("/v1/webhooks/{id}", their).then().statusCode(200)
                .body("events", equalTo(List.of("order.created", "order.cancelled"))).body("url", equalTo(URL));
        as(Tokens.admin()).delete("/v1/webhooks/{id}", everyChannel).then().statusCode(204);
        as(Tokens.admin()).get("/v1/webhooks/{id}", everyChannel).then().statusCode(404);
        as(Tokens.channel(theirs)).delete("/v1/webhooks/{id}", their).then().statusCode(204);
    }

    @Test
    void badSubscriptionsAre400sNamingTheField() {
        String channel = Api.createChannel(Ids.unique("wr-bad"));
        as(Tokens.channel(channel)).body(Map.of("url", URL, "events", List.of("order.exploded")))
                .post("/v1/webhooks").then().statusCode(400).body("errors[0].field", equalTo("events[0]"));
        as(Tokens.channel(channel)).body(Map.of("url", URL, "events", List.of("order.created", "order.created")))
                .post("/v1/webhooks").then().statusCode(400).body("errors[0].field", equalTo("events[1]"));
        as(Tokens.channel(channel)).body(Map.of("url", URL, "events", List.of()))
                .post("/v1/webhooks").then().statusCode(400).body("errors[0].field", equalTo("events"));
        as(Tokens.channel(channel)).body(Map.of("url", "ftp://example.com/x", "events", List.of("order.created")))
                .post("/v1/webhooks").then().statusCode(400).body("errors[0].field", equalTo("url"));
        as(Tokens.channel(channel)).body(Map.of("url", URL, "events", List.of("order.created"), "secret", "mine"))
                .post("/v1/webhooks").then().statusCode(400).body("errors[0].field", equalTo("secret"));
        as(Tokens.admin()).body(Map.of("url", URL, "events", List.of("order.created"), "channel", "no-such-channel"))
                .post("/v1/webhooks").then().statusCode(400).body("errors[0].field", equalTo("channel"));
        as(Tokens.admin()).queryParam("limit", 0).get("/v1/webhooks/{id}/deliveries", java.util.UUID.randomUUID())
                .then().statusCode(400);
        as(Tokens.admin()).get("/v1/webhooks/{id}", java.util.UUID.randomUUID()).then().statusCode(404);
    }

    @Test
    void afterARotationDeliveriesCarryBothSignaturesForTheWindow() {
        String channel = Api.createChannel(Ids.unique("wr-rot"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("ROT");
        Api.setStock(sku, location, 10);
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            JsonPath created = as(Tokens.channel(channel))
                    .body(Map.of("url", receiver.url("/rot"), "events", List.of("order.created")))
                    .post("/v1/webhooks").then().statusCode(201).extract().jsonPath();
            String old = created.getString("secret");
            JsonPath rotated = as(Tokens.channel(channel)).post("/v1/webhooks/{id}/rotate-secret", created.getString("id"))
                    .then().statusCode(200).body("secret", startsWith("whsec_"))
                    .body("previousSecretExpiresAt", org.hamcrest.Matchers.notNullValue()).extract().jsonPath();
            String fresh = rotated.getString("secret");
            assertTrue(!fresh.equals(old));
            as(Tokens.channel(channel)).body(Api.order("ROT-1", sku, 1)).post("/v1/orders").then().statusCode(201);
            WebhookReceiver.Received got = receiver.awaitReceived(r -> true, 1, Duration.ofSeconds(30)).get(0);
            assertEquals(2, got.signature().split(" ").length, got.signature());
            assertTrue(WebhookReceiver.verifies(List.of(fresh), got.id(), got.timestamp(), got.body(), got.signature()));
            assertTrue(WebhookReceiver.verifies(List.of(old), got.id(), got.timestamp(), got.body(), got.signature()));
            as(Tokens.channel(channel)).delete("/v1/webhooks/{id}", created.getString("id")).then().statusCode(204);
        }
    }

    @Test
    void createIsIdempotentPerKey() {
        String channel = Api.createChannel(Ids.unique("wr-idem"));
        Map<String, Object> body = Map.of("url", URL, "events", List.of("order.created"));
        String first = as(Tokens.channel(channel)).header("Idempotency-Key", "wh-1").body(body).post("/v1/webhooks")
                .then().statusCode(201).extract().path("id");
        as(Tokens.channel(channel)).header("Idempotency-Key", "wh-1").body(body).post("/v1/webhooks")
                .then().statusCode(201).header("Idempotent-Replayed", "true").body("id", equalTo(first));
        as(Tokens.channel(channel)).get("/v1/webhooks").then().body("items.size()", equalTo(1));
    }
}
