package io.ordo.order;

import static io.ordo.support.Api.as;
import static io.ordo.support.Api.asAdmin;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.ordo.common.idempotency.IdempotencyKeyPurge;
import io.ordo.support.Api;
import io.ordo.support.Db;
import io.ordo.support.Ids;
import io.ordo.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

@QuarkusTest
class BatchAndIdempotencyTest {

    @Inject
    IdempotencyKeyPurge purge;

    @AfterEach
    void invariantsHold() {
        Db.assertInvariants();
    }

    @Test
    void eachOrderOfABatchStandsOrFallsAlone() {
        String channel = Api.createChannel(Ids.unique("batch"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("B");
        String scarce = Ids.unique("SC");
        Api.setStock(sku, location, 100);
        Api.setStock(scarce, location, 1);
        List<Object> orders = new ArrayList<>();
        orders.add(Api.order("B-0", sku, 1));
        orders.add(Api.order("B-1", scarce, 2));                       // short
        orders.add(Map.of("externalId", "B-2", "bogus", true));        // unknown field
        orders.add(Api.order("B-0", sku, 1));                          // duplicate of index 0
        orders.add(Map.of("externalId", "B-4", "currency", "EUR"));    // missing fields
        orders.add(Api.order("B-5", sku, 3, scarce, 1));

        as(Tokens.channel(channel)).body(Map.of("orders", orders)).post("/v1/orders/batch")
                .then().statusCode(200)
                .body("results.index", contains(0, 1, 2, 3, 4, 5))
                .body("results.status", contains(201, 409, 400, 409, 400, 201))
                .body("results[0].order.id", notNullValue(), "results[0].problem", nullValue())
                .body("results[1].problem.shortages[0].sku", equalTo(scarce))
                .body("results[2].problem.errors[0].field", equalTo("bogus"))
                .body("results[3].problem.type", equalTo("urn:ordo:problem:duplicate-order"))
                .body("results[5].order.lines[1].allocations[0].quantity", equalTo(1));
        assertEquals(2, Db.count("SELECT count(*) FROM orders WHERE channel = ?", channel));
        asAdmin().get("/v1/stock/{sku}", sku).then().body("reserved", equalTo(4));
    }

    @Test
    void anOrderWithAValueTheDatabaseCannotStoreFailsAloneAndTheOthersArePlaced() {
        String channel = Api.createChannel(Ids.unique("batch"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("NUL");
        Api.setStock(sku, location, 10);
        Map<String, Object> nul = new java.util.HashMap<>(Api.order("N-1", sku, 1));
        nul.put("customer", Map.of("email", "ana@example.com", "name", "Ana\u0000Silva"));
        List<Object> orders = List.of(Api.order("N-0", sku, 1), nul, "not an order", Api.order("N-3", sku, 2));

        as(Tokens.channel(channel)).body(Map.of("orders", orders)).post("/v1/orders/batch")
                .then().statusCode(200)
                .body("results.status", contains(201, 400, 400, 201))
                .body("results[1].problem.type", equalTo("urn:ordo:problem:validation"))
                .body("results[2].problem.type", equalTo("urn:ordo:problem:validation"));
        assertEquals(2, Db.count("SELECT count(*) FROM orders WHERE channel = ?", channel));
        asAdmin().get("/v1/stock/{sku}", sku).then().body("reserved", equalTo(3));
    }

    @Test
    void aBatchIsBoundedTo500() {
        List<Object> orders = new ArrayList<>();
        for (int i = 0; i < 501; i++) {
            orders.add(Map.of("externalId", "X-" + i));
        }
        as(Tokens.channel("any")).body(Map.of("orders", orders)).post("/v1/orders/batch").then().statusCode(400)
                .body("errors[0].field", equalTo("orders"));
        as(Tokens.channel("any")).body(Map.of("orders", List.of())).post("/v1/orders/batch").then().statusCode(400);
    }

    @Test
    void aRetryWithTheSameKeyReplaysAndAnotherBodyIs422() {
        String channel = Api.createChannel(Ids.unique("idem"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("I");
        Api.setStock(sku, location, 10);
        String key = Ids.unique("key");

        var first = as(Tokens.channel(channel)).header("Idempotency-Key", key).body(Api.order("I-1", sku, 2))
                .post("/v1/orders").then().statusCode(201).header("Idempotent-Replayed", nullValue()).extract();
        as(Tokens.channel(channel)).header("Idempotency-Key", key).body(Api.order("I-1", sku, 2))
                .post("/v1/orders").then().statusCode(201)
                .header("Idempotent-Replayed", equalTo("true"))
                .header("Location", equalTo(first.header("Location")))
                .header("ETag", equalTo("\"1\""))
                .body("id", equalTo(first.path("id")));
        as(Tokens.channel(channel)).header("Idempotency-Key", key).body(Api.order("I-1", sku, 3))
                .post("/v1/orders").then().statusCode(422).contentType("application/problem+json")
                .body("type", equalTo("urn:ordo:problem:idempotency-key-reused"));
        // keys are per caller: another subject may use the same key for its own request
        String otherChannel = Api.createChannel(Ids.unique("idem2"));
        as(Tokens.channel(otherChannel)).header("Idempotency-Key", key).body(Api.order("I-1", sku, 3))
                .post("/v1/orders").then().statusCode(201).header("Idempotent-Replayed", nullValue());
        asAdmin().get("/v1/stock/{sku}", sku).then().body("reserved", equalTo(5));

        as(Tokens.channel(channel)).header("Idempotency-Key", "cl\u00e9").body(Api.order("I-2", sku, 1))
                .post("/v1/orders").then().statusCode(400).body("errors[0].field", equalTo("Idempotency-Key"));
        as(Tokens.channel(channel)).header("Idempotency-Key", "x".repeat(256)).body(Api.order("I-2", sku, 1))
                .post("/v1/orders").then().statusCode(400);
    }

    @Test
    void aRefusalIsReplayedTooAndOtherCreateEndpointsHonourKeys() {
        String channel = Api.createChannel(Ids.unique("idem"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("R");
        Api.setStock(sku, location, 1);
        String key = Ids.unique("key");
        as(Tokens.channel(channel)).header("Idempotency-Key", key).body(Api.order("R-1", sku, 2))
                .post("/v1/orders").then().statusCode(409);
        Api.setStock(sku, location, 10);
        as(Tokens.channel(channel)).header("Idempotency-Key", key).body(Api.order("R-1", sku, 2))
                .post("/v1/orders").then().statusCode(409).header("Idempotent-Replayed", equalTo("true"))
                .body("shortages[0].available", equalTo(1));

        String adjustKey = Ids.unique("adj");
        for (int i = 0; i < 3; i++) {
            as(Tokens.fulfillment()).header("Idempotency-Key", adjustKey).body(Map.of("delta", 5, "reason", "delivery"))
                    .post("/v1/stock/{sku}/{location}/adjustments", sku, location).then().statusCode(201);
        }
        asAdmin().get("/v1/stock/{sku}", sku).then().body("onHand", equalTo(15));

        String channelKey = Ids.unique("ch");
        String code = Ids.unique("c");
        for (int i = 0; i < 2; i++) {
            asAdmin().header("Idempotency-Key", channelKey).body(Map.of("code", code, "name", "n", "type", "WEB"))
                    .post("/v1/channels").then().statusCode(201);
        }
    }

    @Test
    void expiredKeysArePurged() {
        String channel = Api.createChannel(Ids.unique("purge"));
        String key = Ids.unique("old");
        Db.exec("INSERT INTO idempotency_keys (subject, key, request_hash, state, locked_until, created_at) "
                + "VALUES (?, ?, 'h', 'DONE', now(), now() - interval '25 hours')", "shop-" + channel, key);
        purge.purgeOnce().subscribeAsCompletionStage().join();
        assertEquals(0, Db.count("SELECT count(*) FROM idempotency_keys WHERE key = ?", key));
        as(Tokens.channel(channel)).get("/v1/orders").then().body("items", hasSize(0));
    }
}
