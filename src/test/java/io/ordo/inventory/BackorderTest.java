package io.ordo.inventory;

import static io.ordo.support.Api.asAdmin;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.ordo.support.Api;
import io.ordo.support.Db;
import io.ordo.support.Ids;
import io.ordo.support.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Backorders and pre-orders under contention (issue 14), against the real service and PostgreSQL: limits hold, units
 * that arrive serve the queue strictly first come first served before they become available, no unit is given twice,
 * and the invariants of {@link Db#assertInvariants()} (backordered counters, allocated + waiting = quantity, nothing
 * available where a waiting backorder could be served) hold after every test.
 */
@QuarkusTest
class BackorderTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(20);

    @TestHTTPResource("/")
    URI base;

    @AfterEach
    void invariantsHold() {
        Db.assertInvariants();
    }

    @Test
    void aFlashSaleOfABackorderSkuThenACountWhileMoreOrdersRace() throws Exception {
        String channel = Api.createChannel(Ids.unique("bo"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("BO");
        Api.setStock(sku, location, 50);
        policy(sku, Map.of("inventoryPolicy", "BACKORDER", "limit", 100));

        List<HttpResponse<String>> first = send(200, channel, i -> Api.order("A-" + i, sku, 1));

        Map<Integer, Long> statuses = byStatus(first);
        assertEquals(Map.of(201, 150L, 409, 50L), statuses, "50 allocated, 100 backordered, the rest refused");
        List<JsonNode> accepted = bodies(first, 201);
        assertEquals(50, accepted.stream().filter(o -> o.at("/lines/0/backordered").asInt() == 0).count());
        assertEquals(100, accepted.stream().filter(o -> o.at("/lines/0/backordered").asInt() == 1
                && o.get("backordered").asBoolean()).count());
        JsonNode refusal = bodies(first, 409).get(0);
        assertEquals("BACKORDER", refusal.at("/shortages/0/inventoryPolicy").asText());
        assertEquals(0, refusal.at("/shortages/0/backorderable").asInt());
        asAdmin().get("/v1/skus/{sku}/policy", sku).then().statusCode(200)
                .body("backordered", equalTo(100), "backorderable", equalTo(0));
        asAdmin().get("/v1/stock/{sku}", sku).then().body("reserved", equalTo(50), "available", equalTo(0));
        Db.assertInvariants();

        // +120 arrives while 50 more orders race in
        CompletableFuture<Integer> count = CompletableFuture.supplyAsync(() -> asAdmin()
                .body(Map.of("delta", 120, "reason", "purchase order 7")).post("/v1/stock/{sku}/{location}/adjustments",
                        sku, location).then().extract().statusCode());
        List<HttpResponse<String>> racing = send(50, channel, i -> Api.order("B-" + i, sku, 1));
        assertEquals(201, count.get());
        assertTrue(byStatus(racing).keySet().stream().allMatch(s -> s == 201 || s == 409), "only 201/409");

        // strictly first come, first served: in queue order, every served backorder comes before every waiting one
        Awaitility.await().atMost(WAIT).until(() -> Db.count("SELECT count(*) FROM backorder_allocations") == 0);
        List<String> queue = Db.strings("""
                SELECT CASE WHEN b.owner_id IS NULL THEN 'served' ELSE 'waiting' END
                  FROM orders o LEFT JOIN backorders b ON b.owner_id = o.id
                 WHERE o.channel = ? AND (b.owner_id IS NOT NULL OR EXISTS (SELECT 1 FROM order_history x
                        WHERE x.order_id = o.id AND x.type = 'order.backorder_allocated'))
                 ORDER BY o.number""", channel);
        int lastServed = queue.lastIndexOf("served");
        int firstWaiting = queue.indexOf("waiting");
        assertTrue(firstWaiting < 0 || lastServed < firstWaiting, "served out of turn: " + queue);
        assertTrue(queue.stream().filter("served"::equals).count() >= 100, "the 100 waiting before the count: " + queue);
        // no unit given twice: 170 on hand, every unit reserved once, nothing available while anything waits
        long waiting = Db.count("SELECT coalesce(sum(quantity), 0) FROM backorders WHERE sku = ?", sku);
        long reserved = Db.count("SELECT reserved FROM stock WHERE sku = ?", sku);
        long orders = Db.count("SELECT count(*) FROM orders WHERE channel = ?", channel);
        assertEquals(orders, reserved + waiting, "each 1-unit order has its unit reserved or waiting");
        assertTrue(reserved <= 170, "reserved " + reserved);
        if (waiting > 0) {
            assertEquals(170, reserved, "a unit is available while backorders wait");
        }
        // every order that gained units has its announcement: one event, one version more
        assertEquals(queue.stream().filter("served"::equals).count(), Db.count("""
                SELECT count(*) FROM outbox WHERE type = 'order.backorder_allocated' AND payload ->> 'channel' = ?""",
                channel));
        JsonNode event = JSON.readTree(Db.strings("""
                SELECT payload::text FROM outbox WHERE type = 'order.backorder_allocated' AND payload ->> 'channel' = ?
                 ORDER BY id LIMIT 1""", channel).get(0));
        assertEquals(sku, event.at("/lines/0/sku").asText());
        assertEquals(location, event.at("/lines/0/location").asText());
        assertEquals(1, event.at("/lines/0/quantity").asInt());
        asAdmin().get("/v1/orders/{id}", event.get("orderId").asText()).then().statusCode(200)
                .header("ETag", "\"2\"").body("backordered", equalTo(false), "lines[0].backordered", equalTo(0),
                        "lines[0].allocations[0].quantity", equalTo(1));
    }

    @Test
    void preOrdersAreCappedUnderContentionAndShowTheReleaseDate() {
        String channel = Api.createChannel(Ids.unique("pre"));
        Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("PRE");
        policy(sku, Map.of("inventoryPolicy", "PREORDER", "limit", 30, "expectedAt", "2027-03-01T09:00:00Z"));

        List<HttpResponse<String>> answers = send(60, channel, i -> Api.order("P-" + i, sku, 1));

        assertEquals(Map.of(201, 30L, 409, 30L), byStatus(answers));
        for (JsonNode order : bodies(answers, 201)) {
            assertEquals("2027-03-01T09:00:00.000000Z", order.at("/lines/0/expectedAt").asText());
            assertEquals(1, order.at("/lines/0/backordered").asInt());
            assertEquals(0, order.at("/lines/0/allocations").size());
        }
        assertEquals("PREORDER", bodies(answers, 409).get(0).at("/shortages/0/inventoryPolicy").asText());
        // the release date moves: waiting pre-order lines show the new one
        policy(sku, Map.of("inventoryPolicy", "PREORDER", "limit", 30, "expectedAt", "2027-04-15T00:00:00Z"));
        String id = bodies(answers, 201).get(0).get("id").asText();
        asAdmin().get("/v1/orders/{id}", id).then().body("lines[0].expectedAt", equalTo("2027-04-15T00:00:00.000000Z"));
        // stock arrives at release: all 30 served, in order
        String location = Db.strings("SELECT code FROM locations ORDER BY created_at DESC LIMIT 1").get(0);
        Api.setStock(sku, location, 40);
        assertEquals(0, Db.count("SELECT count(*) FROM backorders WHERE sku = ?", sku));
        asAdmin().get("/v1/stock/{sku}", sku).then().body("reserved", equalTo(30), "available", equalTo(10));
    }

    @Test
    void aChannelWithAnAssortmentReservesOnlyThereUnderContention() {
        String shop = Api.createChannel(Ids.unique("shop"));
        String other = Api.createChannel(Ids.unique("other"));
        String central = Api.createLocation(Ids.unique("WH"), 1);
        String store = Api.createLocation(Ids.unique("ST"), 2);
        String sku = Ids.unique("AS");
        Api.setStock(sku, central, 50);
        Api.setStock(sku, store, 20);
        asAdmin().body(Map.of("locations", List.of(store))).put("/v1/channels/{code}/locations", shop).then()
                .statusCode(200).body("restricted", equalTo(true), "locations", equalTo(List.of(store)));

        List<HttpResponse<String>> answers = send(60, shop, i -> Api.order("S-" + i, sku, 1));

        assertEquals(Map.of(201, 20L, 409, 40L), byStatus(answers));
        assertEquals(20, Db.count("SELECT coalesce(sum(quantity), 0) FROM allocations a JOIN orders o ON o.id = a.owner_id"
                + " WHERE o.channel = ? AND a.location = ?", shop, store));
        assertEquals(0, Db.count("SELECT count(*) FROM allocations a JOIN orders o ON o.id = a.owner_id"
                + " WHERE o.channel = ? AND a.location <> ?", shop, store));
        assertEquals(0, bodies(answers, 409).get(0).at("/shortages/0/available").asInt());
        // a channel without an assortment still sells from everywhere
        List<HttpResponse<String>> others = send(10, other, i -> Api.order("O-" + i, sku, 1));
        assertEquals(Map.of(201, 10L), byStatus(others));
        asAdmin().get("/v1/channels/{code}/locations", other).then().statusCode(200)
                .body("restricted", equalTo(false), "locations", hasItem(central));
        // and a hold of the shop too
        Api.setStock(sku, store, 21);
        String hold = Api.hold(shop, sku, 1);
        asAdmin().get("/v1/holds/{id}", hold).then().body("lines[0].allocations[0].location", equalTo(store));
        asAdmin().delete("/v1/channels/{code}/locations", shop).then().statusCode(200).body("restricted", equalTo(false));
    }

    @Test
    void cancellingABackorderedOrderDropsItsBackordersAndItsUnitsServeTheNextInLine() {
        String channel = Api.createChannel(Ids.unique("cx"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("CX");
        Api.setStock(sku, location, 2);
        policy(sku, Map.of("inventoryPolicy", "BACKORDER"));
        String first = place(channel, Api.order("C-1", sku, 5)); // 2 allocated, 3 waiting
        String second = place(channel, Api.order("C-2", sku, 2)); // 2 waiting
        asAdmin().get("/v1/orders/{id}", first).then().body("lines[0].backordered", equalTo(3), "backordered", equalTo(true));
        asAdmin().get("/v1/skus/{sku}/policy", sku).then().body("backordered", equalTo(5), "backorderable", nullValue());
        asAdmin().queryParam("channel", channel).queryParam("backordered", "true").get("/v1/orders").then()
                .statusCode(200).body("items.size()", equalTo(2));
        asAdmin().queryParam("channel", channel).queryParam("backordered", "maybe").get("/v1/orders").then()
                .statusCode(400).body("errors[0].field", equalTo("backordered"));

        asAdmin().body(Map.of("reason", "changed mind")).post("/v1/orders/{id}/cancel", first).then().statusCode(200)
                .body("lines[0].backordered", equalTo(0), "backordered", equalTo(false));

        // its 2 units went to the next in line, at once; its 3 waiting units are gone from the queue
        asAdmin().get("/v1/skus/{sku}/policy", sku).then().body("backordered", equalTo(0));
        Awaitility.await().atMost(WAIT).until(() -> Db.count(
                "SELECT count(*) FROM order_history WHERE order_id = ?::uuid AND type = 'order.backorder_allocated'", second) == 1);
        asAdmin().get("/v1/orders/{id}", second).then().body("lines[0].backordered", equalTo(0),
                "lines[0].allocations[0].quantity", equalTo(2), "version", equalTo(2));
        assertEquals(0, Db.count("SELECT count(*) FROM outbox WHERE type = 'order.backorder_allocated'"
                + " AND payload ->> 'orderId' = ?", first));
        asAdmin().queryParam("channel", channel).queryParam("backordered", "true").get("/v1/orders").then()
                .statusCode(200).body("items.size()", equalTo(0));
        asAdmin().queryParam("channel", channel).queryParam("backordered", "false").get("/v1/orders").then()
                .statusCode(200).body("items.size()", equalTo(2));
    }

    @Test
    void aShipmentTakesOnlyAllocatedUnitsAndTheOrderStaysOpenWhileUnitsWait() {
        String channel = Api.createChannel(Ids.unique("sh"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("SH");
        Api.setStock(sku, location, 1);
        policy(sku, Map.of("inventoryPolicy", "BACKORDER", "limit", 5));
        String id = place(channel, Api.order("SH-1", sku, 3));
        Map<String, Object> two = Map.of("location", location, "lines", List.of(Map.of("sku", sku, "quantity", 2)),
                "carrier", "CTT", "trackingNumber", "T1");
        asAdmin().body(two).post("/v1/orders/{id}/shipments", id).then().statusCode(409);
        Map<String, Object> one = Map.of("location", location, "lines", List.of(Map.of("sku", sku, "quantity", 1)),
                "carrier", "CTT", "trackingNumber", "T2");
        asAdmin().body(one).post("/v1/orders/{id}/shipments", id).then().statusCode(201);
        asAdmin().get("/v1/orders/{id}", id).then().body("status", equalTo("PARTIALLY_SHIPPED"),
                "lines[0].backordered", equalTo(2));
        // the rest arrives, is allocated to it and ships: SHIPPED
        asAdmin().body(Map.of("delta", 2, "reason", "delivery")).post("/v1/stock/{sku}/{location}/adjustments", sku, location)
                .then().statusCode(201).body("reserved", equalTo(2), "available", equalTo(0));
        asAdmin().body(Map.of("location", location, "lines", List.of(Map.of("sku", sku, "quantity", 2)),
                "carrier", "CTT", "trackingNumber", "T3")).post("/v1/orders/{id}/shipments", id).then().statusCode(201);
        asAdmin().get("/v1/orders/{id}", id).then().body("status", equalTo("SHIPPED"));
    }

    @Test
    void aHoldKeepsItsPlaceInTheQueueAndTakesItsBackordersIntoItsOrder() {
        String channel = Api.createChannel(Ids.unique("ho"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("HO");
        Api.setStock(sku, location, 1);
        policy(sku, Map.of("inventoryPolicy", "BACKORDER"));
        String hold = Api.hold(channel, sku, 3); // 1 allocated, 2 waiting
        asAdmin().get("/v1/holds/{id}", hold).then().body("lines[0].backordered", equalTo(2));
        String later = place(channel, Api.order("H-2", sku, 1)); // waits behind the hold

        asAdmin().body(Map.of("delta", 2, "reason", "delivery")).post("/v1/stock/{sku}/{location}/adjustments", sku, location)
                .then().statusCode(201);
        asAdmin().get("/v1/holds/{id}", hold).then().body("lines[0].backordered", equalTo(0),
                "lines[0].allocations[0].quantity", equalTo(3));
        asAdmin().get("/v1/orders/{id}", later).then().body("lines[0].backordered", equalTo(1));

        Map<String, Object> body = new java.util.HashMap<>(Api.order("H-1", sku, 3));
        body.put("holdId", hold);
        String converted = place(channel, body);
        asAdmin().get("/v1/orders/{id}", converted).then().body("lines[0].allocations[0].quantity", equalTo(3),
                "lines[0].backordered", equalTo(0));
        // one more arrives: the later order is served
        asAdmin().body(Map.of("delta", 1, "reason", "delivery")).post("/v1/stock/{sku}/{location}/adjustments", sku, location)
                .then().statusCode(201);
        asAdmin().get("/v1/orders/{id}", later).then().body("lines[0].backordered", equalTo(0));
    }

    @Test
    void aConvertedHoldStillWaitingBringsItsBackorderWithItsPlace() {
        String channel = Api.createChannel(Ids.unique("hw"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("HW");
        Api.setStock(sku, location, 0);
        policy(sku, Map.of("inventoryPolicy", "BACKORDER"));
        String hold = Api.hold(channel, sku, 2);
        String later = place(channel, Api.order("W-2", sku, 1));
        Map<String, Object> body = new java.util.HashMap<>(Api.order("W-1", sku, 2));
        body.put("holdId", hold);
        String converted = place(channel, body);
        asAdmin().get("/v1/orders/{id}", converted).then().body("lines[0].backordered", equalTo(2), "backordered", equalTo(true));
        Api.setStock(sku, location, 2);
        asAdmin().get("/v1/orders/{id}", converted).then().body("lines[0].backordered", equalTo(0));
        asAdmin().get("/v1/orders/{id}", later).then().body("lines[0].backordered", equalTo(1));
    }

    @Test
    void anExpiredHoldDropsItsBackorders() {
        String channel = Api.createChannel(Ids.unique("hx"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("HX");
        Api.setStock(sku, location, 0);
        policy(sku, Map.of("inventoryPolicy", "BACKORDER", "limit", 4));
        String hold = Api.as(Tokens.channel(channel)).body(Map.of("ttlSeconds", 1,
                "lines", List.of(Map.of("sku", sku, "quantity", 4)))).post("/v1/holds").then().statusCode(201)
                .body("lines[0].backordered", equalTo(4)).extract().path("id");
        Awaitility.await().atMost(WAIT).until(() -> Db.count("SELECT count(*) FROM holds WHERE id = ?::uuid AND status = 'EXPIRED'", hold) == 1);
        asAdmin().get("/v1/skus/{sku}/policy", sku).then().body("backordered", equalTo(0), "backorderable", equalTo(4));
    }

    @Test
    void aBatchHonoursThePolicyOrderByOrderAndARestockedReturnServesTheQueue() {
        String channel = Api.createChannel(Ids.unique("ba"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("BA");
        String plain = Ids.unique("DENY");
        Api.setStock(sku, location, 2);
        Api.setStock(plain, location, 1);
        policy(sku, Map.of("inventoryPolicy", "BACKORDER", "limit", 2));
        Api.as(Tokens.channel(channel)).body(Map.of("orders", List.of(Api.order("BA-1", sku, 2), Api.order("BA-2", sku, 1),
                Api.order("BA-3", plain, 2), Api.order("BA-4", sku, 2)))).post("/v1/orders/batch").then().statusCode(200)
                .body("results[0].status", equalTo(201), "results[0].order.backordered", equalTo(false),
                        "results[1].status", equalTo(201), "results[1].order.lines[0].backordered", equalTo(1),
                        "results[2].status", equalTo(409), "results[2].problem.shortages[0].inventoryPolicy", nullValue(),
                        "results[3].status", equalTo(409), "results[3].problem.shortages[0].backorderable", equalTo(1));

        // BA-1 ships both units, returns one restocked: it goes to BA-2, which waits
        String first = Db.strings("SELECT id::text FROM orders WHERE channel = ? AND external_id = 'BA-1'", channel).get(0);
        String second = Db.strings("SELECT id::text FROM orders WHERE channel = ? AND external_id = 'BA-2'", channel).get(0);
        asAdmin().body(Map.of("location", location, "lines", List.of(Map.of("sku", sku, "quantity", 2)),
                "carrier", "CTT", "trackingNumber", "R1")).post("/v1/orders/{id}/shipments", first).then().statusCode(201);
        String ret = asAdmin().body(Map.of("lines", List.of(Map.of("sku", sku, "quantity", 1)), "reason", "too big"))
                .post("/v1/orders/{id}/returns", first).then().statusCode(201).extract().path("id");
        asAdmin().body(Map.of("location", location, "lines", List.of(Map.of("sku", sku, "quantity", 1, "restock", true))))
                .post("/v1/returns/{id}/receive", ret).then().statusCode(200);
        asAdmin().get("/v1/orders/{id}", second).then().body("lines[0].backordered", equalTo(0),
                "lines[0].allocations[0].quantity", equalTo(1));
        asAdmin().get("/v1/stock/{sku}", sku).then().body("available", equalTo(0));
    }

    @Test
    void ordersCancelsHoldsAndDeliveriesRacingOnOneBackorderSkuNeverDeadlockNorBreakTheQueue() throws Exception {
        String channel = Api.createChannel(Ids.unique("mix"));
        String near = Api.createLocation(Ids.unique("WH"), 1);
        String far = Api.createLocation(Ids.unique("ST"), 2);
        String sku = Ids.unique("MIX");
        String other = Ids.unique("MIXB");
        Api.setStock(sku, near, 10);
        Api.setStock(sku, far, 5);
        Api.setStock(other, near, 30);
        policy(sku, Map.of("inventoryPolicy", "BACKORDER"));
        policy(other, Map.of("inventoryPolicy", "BACKORDER", "limit", 20));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String token = Tokens.channel(channel);
        String admin = Tokens.admin();
        java.util.Random random = new java.util.Random(Long.getLong("ordo.test.seed", 42));
        List<String> placed = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Integer> statuses = java.util.Collections.synchronizedList(new ArrayList<>());

        for (int wave = 0; wave < 6; wave++) {
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int kind = random.nextInt(10);
                String path;
                Object body;
                String who = token;
                if (kind < 5) {
                    path = "/v1/orders";
                    body = random.nextBoolean() ? Api.order(Ids.unique("X"), sku, 1 + random.nextInt(3))
                            : Api.order(Ids.unique("X"), other, 1 + random.nextInt(2), sku, 1 + random.nextInt(2));
                } else if (kind < 7 && !placed.isEmpty()) {
                    path = "/v1/orders/" + placed.get(random.nextInt(placed.size())) + "/cancel";
                    body = Map.of("reason", "race");
                } else if (kind < 9) {
                    // (other has no row at far: an adjustment there would be a 404)
                    path = random.nextBoolean() ? "/v1/stock/" + sku + "/" + (random.nextBoolean() ? near : far) + "/adjustments"
                            : "/v1/stock/" + other + "/" + near + "/adjustments";
                    body = Map.of("delta", 1 + random.nextInt(3), "reason", "delivery");
                    who = admin;
                } else {
                    path = "/v1/holds";
                    body = Map.of("ttlSeconds", 1, "lines", List.of(Map.of("sku", sku, "quantity", 1 + random.nextInt(2))));
                }
                calls.add(client.sendAsync(HttpRequest.newBuilder(base.resolve(path))
                        .header("Authorization", "Bearer " + who).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> call : calls) {
                HttpResponse<String> r = call.join();
                statuses.add(r.statusCode());
                if (r.statusCode() == 201 && r.uri().getPath().equals("/v1/orders")) {
                    placed.add(JSON.readTree(r.body()).get("id").asText());
                }
            }
        }

        assertTrue(statuses.stream().allMatch(s -> s == 200 || s == 201 || s == 409), "no 5xx, no deadlock: " + statuses);
        Awaitility.await().atMost(WAIT).until(() -> Db.count("SELECT count(*) FROM holds WHERE channel = ? AND status = 'ACTIVE'",
                channel) == 0 && Db.count("SELECT count(*) FROM backorder_allocations") == 0);
        // every order that gained units was announced once per gain, with a version per announcement
        assertEquals(0, Db.count("""
                SELECT count(*) FROM orders o WHERE o.channel = ? AND o.version <> 1
                   + (SELECT count(*) FROM order_history h WHERE h.order_id = o.id AND h.sequence > 1)""", channel));
    }

    @Test
    void badPoliciesAndAssortmentsAre400sNamingTheFieldAndChangeNothing() {
        String channel = Api.createChannel(Ids.unique("bad"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("BAD");
        String before = Db.snapshot() + Db.strings("SELECT count(*) || '' FROM sku_policies").get(0)
                + Db.strings("SELECT count(*) || '' FROM channel_locations").get(0);

        asAdmin().body(Map.of("inventoryPolicy", "SOMETIMES")).put("/v1/skus/{sku}/policy", sku).then().statusCode(400)
                .body("errors[0].field", equalTo("inventoryPolicy"));
        asAdmin().body(Map.of("inventoryPolicy", "PREORDER")).put("/v1/skus/{sku}/policy", sku).then().statusCode(400)
                .body("errors[0].field", equalTo("expectedAt"));
        asAdmin().body(Map.of("inventoryPolicy", "BACKORDER", "limit", -1)).put("/v1/skus/{sku}/policy", sku).then()
                .statusCode(400).body("errors[0].field", equalTo("limit"));
        asAdmin().body(Map.of()).put("/v1/skus/{sku}/policy", sku).then().statusCode(400)
                .body("errors[0].field", equalTo("inventoryPolicy"));
        asAdmin().body(Map.of("locations", List.of(location, "NOWHERE"))).put("/v1/channels/{code}/locations", channel)
                .then().statusCode(400).body("errors[0].field", equalTo("locations[1]"));
        asAdmin().body(Map.of("locations", List.of())).put("/v1/channels/{code}/locations", channel).then()
                .statusCode(400).body("errors[0].field", equalTo("locations"));
        asAdmin().body(Map.of("locations", List.of(location))).put("/v1/channels/{code}/locations", "no-such-channel")
                .then().statusCode(404);
        Api.as(Tokens.channel(channel)).body(Map.of("inventoryPolicy", "BACKORDER")).put("/v1/skus/{sku}/policy", sku)
                .then().statusCode(403);
        Api.as(Tokens.channel(channel)).body(Map.of("locations", List.of(location)))
                .put("/v1/channels/{code}/locations", channel).then().statusCode(403);
        Api.as(Tokens.channel(Ids.unique("else"))).get("/v1/channels/{code}/locations", channel).then().statusCode(404);

        assertEquals(before, Db.snapshot() + Db.strings("SELECT count(*) || '' FROM sku_policies").get(0)
                + Db.strings("SELECT count(*) || '' FROM channel_locations").get(0));
        asAdmin().get("/v1/skus/{sku}/policy", sku).then().statusCode(200).body("inventoryPolicy", equalTo("DENY"),
                "backorderable", equalTo(0));
    }

    private static void policy(String sku, Map<String, Object> body) {
        asAdmin().body(body).put("/v1/skus/{sku}/policy", sku).then().statusCode(200)
                .body("inventoryPolicy", equalTo(body.get("inventoryPolicy")));
    }

    private static String place(String channel, Map<String, Object> body) {
        return Api.as(Tokens.channel(channel)).body(body).post("/v1/orders").then().statusCode(201).extract().path("id");
    }

    private static Map<Integer, Long> byStatus(List<HttpResponse<String>> responses) {
        return responses.stream().collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
    }

    private static List<JsonNode> bodies(List<HttpResponse<String>> responses, int status) {
        List<JsonNode> bodies = new ArrayList<>();
        for (HttpResponse<String> r : responses) {
            if (r.statusCode() == status) {
                try {
                    bodies.add(JSON.readTree(r.body()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return bodies;
    }

    private List<HttpResponse<String>> send(int count, String channel, IntFunction<Map<String, Object>> body) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String token = Tokens.channel(channel);
        List<CompletableFuture<HttpResponse<String>>> calls = IntStream.range(0, count).mapToObj(i -> {
            try {
                return client.sendAsync(HttpRequest.newBuilder(base.resolve("/v1/orders"))
                        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body.apply(i)))).build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        return calls.stream().map(CompletableFuture::join).toList();
    }
}
