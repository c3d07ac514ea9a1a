package io.ordo.webhook;

import static io.ordo.support.Api.as;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.ordo.outbox.EventType;
import io.ordo.support.Api;
import io.ordo.support.Db;
import io.ordo.support.Ids;
import io.ordo.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;

/** {@code GET /v1/webhooks/event-types}: the one list, and every type on it can be subscribed to. */
@QuarkusTest
class EventTypesEndpointTest {

    @Test
    void theRolesThatManageWebhooksReadEveryEventTypeAndCanSubscribeToEachOne() {
        String channel = Api.createChannel(Ids.unique("evt"));
        List<String> listed = as(Tokens.channel(channel)).get("/v1/webhooks/event-types").then().statusCode(200)
                .extract().jsonPath().getList("items.type");
        assertEquals(EventType.wireNames(), listed);
        assertTrue(listed.contains("order.return_received"));
        as(Tokens.admin()).get("/v1/webhooks/event-types").then().statusCode(200)
                .body("items[0].description", org.hamcrest.Matchers.notNullValue());

        as(Tokens.channel(channel)).body(Map.of("url", WebhookResourceTest.URL, "events", listed))
                .post("/v1/webhooks").then().statusCode(201);
        as(Tokens.channel(channel)).body(Map.of("url", WebhookResourceTest.URL, "events", List.of("order.return_received")))
                .post("/v1/webhooks").then().statusCode(201);
    }

    @Test
    void onlyTheRolesThatManageWebhooksMayReadTheList() {
        as(Tokens.fulfillment()).get("/v1/webhooks/event-types").then().statusCode(403);
        given().get("/v1/webhooks/event-types").then().statusCode(401);
    }

    @Test
    void everyTypeInTheOutboxIsOnTheList() {
        // whatever this run's tests emitted so far: none may be missing from the list
        List<String> emitted = Db.strings("SELECT DISTINCT type FROM outbox ORDER BY 1");
        assertTrue(EventType.wireNames().containsAll(emitted), "emitted " + emitted);
    }
}
