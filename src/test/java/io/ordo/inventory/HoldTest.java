package io.ordo.inventory;

import static io.ordo.support.Api.as;
import static io.ordo.support.Api.asAdmin;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.ordo.support.Api;
import io.ordo.support.Db;
import io.ordo.support.Ids;
import io.ordo.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class HoldTest {

    @Inject
    HoldExpirySweeper sweeper;

    @AfterEach
    void invariantsHold() {
        Db.assertInvariants();
    }

    @Test
    void aHoldReservesAndReleasingGivesTheStockBack() {
        String channel = Api.createChannel(Ids.unique("cart"));
        String first = Api.createLocation(Ids.unique("WH"), 1);
        String second = Api.createLocation(Ids.unique("ST"), 2);
        String sku = Ids.unique("CART");
        Api.setStock(sku, first, 2);
        Api.setStock(sku, second, 5);

        String id = as(Tokens.channel(channel)).body(Map.of("lines", List.of(Map.of("sku", sku, "quantity", 3)),
                "ttlSeconds", 600))
                .post("/v1/holds").then().statusCode(201)
                .body("status", equalTo("ACTIVE"), "channel", equalTo(channel), "expiresAt", notNullValue(),
                        "lines[0].allocations.location", contains(first, second),
                        "lines[0].allocations.quantity", contains(2, 1))
                .extract().path("id");
        asAdmin().get("/v1/stock/{sku}", sku).then().body("reserved", equalTo(3));
        as(Tokens.channel(channel)).get("/v1/holds/{id}", id).then().statusCode(200)
                .body("lines[0].allocations.quantity", contains(2, 1));
        as(Tokens.channel(Ids.unique("other"))).get("/v1/holds/{id}", id).then().statusCode(404);

        as(Tokens.channel(channel)).delete("/v1/holds/{id}", id).then().statusCode(204);
        as(Tokens.channel(channel)).delete("/v1/holds/{id}", id).then().statusCode(204);
        asAdmin().get("/v1/stock/{sku}", sku).then().body("reserved", equalTo(0));
        as(Tokens.channel(channel)).get("/v1/holds/{id}", id).then()
                .body("status", equalTo("RELEASED"), "lines[0].allocations", hasSize(0));
    }

    @Test
    void aShortHoldIsAConflictAndReservesNothing() {
        String channel = Api.createChannel(Ids.unique("cart"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("FEW");
        Api.setStock(sku, location, 1);
        as(Tokens.channel(channel)).body(Map.of("lines", List.of(Map.of("sku", sku, "quantity", 2))))
                .post("/v1/holds").then().statusCode(409).body("shortages[0].available", equalTo(1));
        asAdmin().get("/v1/stock/{sku}", sku).then().body("reserved", equalTo(0));
        as(Tokens.channel(channel)).body(Map.of("lines", List.of(Map.of("sku", sku, "quantity", 1)), "ttlSeconds", 0))
                .post("/v1/holds").then().statusCode(400).body("errors[0].field", equalTo("ttlSeconds"));
        as(Tokens.channel(channel)).body(Map.of("lines", List.of(Map.of("sku", sku, "quantity", 1)), "ttlSeconds", 3601))
                .post("/v1/holds").then().statusCode(400);
    }

    @Test
    void expiredHoldsAreReleasedExactlyOnceEvenWithManySweepersAtOnce() {
        String channel = Api.createChannel(Ids.unique("cart"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("EXP");
        Api.setStock(sku, location, 50);
        List<String> ids = IntStream.range(0, 20).mapToObj(i -> as(Tokens.channel(channel))
                .body(Map.of("lines", List.of(Map.of("sku", sku, "quantity", 2)), "ttlSeconds", 1))
                .post("/v1/holds").then().statusCode(201).extract().<String> path("id")).toList();
        // (some may already have expired: the scheduled sweeper runs every second)
        assertEquals(40, Db.count("""
                SELECT sum(quantity) FROM allocations a JOIN holds h ON h.id = a.owner_id WHERE h.channel = ?""", channel));

        // the scheduled sweeper runs every second as well; ten more sweeps race it and each other
        Awaitility.await().pollDelay(Duration.ofMillis(1200)).atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            List<CompletableFuture<Integer>> sweeps = IntStream.range(0, 10)
                    .mapToObj(i -> sweeper.sweepOnce().subscribeAsCompletionStage()).toList();
            sweeps.forEach(CompletableFuture::join);
            assertEquals(0, Db.count("SELECT count(*) FROM holds WHERE channel = ? AND status = 'ACTIVE'", channel));
        });

        asAdmin().get("/v1/stock/{sku}", sku).then().body("reserved", equalTo(0), "onHand", equalTo(50));
        assertEquals(20, Db.count("SELECT count(*) FROM holds WHERE channel = ? AND status = 'EXPIRED'", channel));
        assertEquals(40, Db.count("""
                SELECT sum(quantity) FROM allocations a JOIN holds h ON h.id = a.owner_id
                 WHERE h.channel = ? AND a.released_at IS NOT NULL""", channel));
        as(Tokens.channel(channel)).get("/v1/holds/{id}", ids.get(0)).then().body("status", equalTo("EXPIRED"));
        as(Tokens.channel(channel)).body(withHold(Api.order("LATE-1", sku, 2), ids.get(0))).post("/v1/orders")
                .then().statusCode(409).body("type", equalTo("urn:ordo:problem:hold-not-usable"),
                        "holdStatus", equalTo("EXPIRED"));
    }

    @Test
    void aHoldBecomesAnOrderWithoutReservingTwiceAndIsNotReleasedByTheSweeper() {
        String channel = Api.createChannel(Ids.unique("cart"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("CONV");
        Api.setStock(sku, location, 5);
        String holdId = as(Tokens.channel(channel))
                .body(Map.of("lines", List.of(Map.of("sku", sku, "quantity", 4)), "ttlSeconds", 2))
                .post("/v1/holds").then().statusCode(201).extract().path("id");

        // with only 1 unit left, the order can exist only by taking over the hold's 4
        String orderId = as(Tokens.channel(channel)).body(withHold(Api.order("CONV-1", sku, 4), holdId))
                .post("/v1/orders").then().statusCode(201)
                .body("holdId", equalTo(holdId), "lines[0].allocations.quantity", contains(4))
                .extract().path("id");
        asAdmin().get("/v1/stock/{sku}", sku).then().body("reserved", equalTo(4));
        as(Tokens.channel(channel)).get("/v1/holds/{id}", holdId).then()
                .body("status", equalTo("CONVERTED"), "orderId", equalTo(orderId));

        // past the hold's expiry the sweeper leaves the order's reservation alone
        Awaitility.await().pollDelay(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(10))
                .until(() -> sweeper.sweepOnce().subscribeAsCompletionStage().join() >= 0);
        asAdmin().get("/v1/stock/{sku}", sku).then().body("reserved", equalTo(4));
        as(Tokens.channel(channel)).get("/v1/orders/{id}", orderId).then().body("lines[0].allocations.quantity",
                contains(4));
        as(Tokens.channel(channel)).body(withHold(Api.order("CONV-2", sku, 4), holdId)).post("/v1/orders")
                .then().statusCode(409).body("holdStatus", equalTo("CONVERTED"));
        as(Tokens.channel(channel)).delete("/v1/holds/{id}", holdId).then().statusCode(409);
    }

    @Test
    void aHoldMustMatchTheOrderItBecomes() {
        String channel = Api.createChannel(Ids.unique("cart"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("MATCH");
        Api.setStock(sku, location, 10);
        String holdId = Api.hold(channel, sku, 2);
        String thief = Api.createChannel(Ids.unique("thief"));
        String before = Db.snapshot();
        as(Tokens.channel(channel)).body(withHold(Api.order("MIS-1", sku, 3), holdId)).post("/v1/orders")
                .then().statusCode(409).body("type", equalTo("urn:ordo:problem:hold-not-usable"));
        as(Tokens.channel(thief)).body(withHold(Api.order("MIS-2", sku, 2), holdId))
                .post("/v1/orders").then().statusCode(400).body("errors[0].field", equalTo("holdId"));
        assertEquals(before, Db.snapshot(), "a refused conversion changes nothing");
        asAdmin().get("/v1/stock/{sku}", sku).then().body("reserved", equalTo(2));
    }

    private static Map<String, Object> withHold(Map<String, Object> order, String holdId) {
        Map<String, Object> copy = new HashMap<>(order);
        copy.put("holdId", holdId);
        return copy;
    }
}
