package io.ordo.messaging;

import static io.ordo.support.Api.as;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.ordo.outbox.OutboxRelay;
import io.ordo.outbox.OutboxSink;
import io.ordo.support.AmqpPeer;
import io.ordo.support.Api;
import io.ordo.support.ArtemisTestBroker;
import io.ordo.support.Db;
import io.ordo.support.Ids;
import io.ordo.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/** Order events through the outbox to AMQP as CloudEvents, consumed with an independent AMQP client. */
@QuarkusTest
class OrderEventsTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    Pool pool;
    @Inject
    Vertx vertx;
    @Inject
    Instance<OutboxSink> sinks;
    @Inject
    MeterRegistry registry;

    @Test
    void everyChangeOfAnOrderIsACloudEventInOrder() {
        AmqpPeer events = AmqpPeer.orderEvents();
        String channel = Api.createChannel(Ids.unique("ce"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("CE");
        Api.setStock(sku, location, 10);
        String id = as(Tokens.channel(channel)).body(Api.order("CE-1", sku, 2)).post("/v1/orders")
                .then().statusCode(201).extract().path("id");
        as(Tokens.fulfillment()).body(Map.of("status", "PROCESSING")).post("/v1/orders/{id}/status", id)
                .then().statusCode(200);
        as(Tokens.channel(channel)).body(Map.of("reason", "changed mind")).post("/v1/orders/{id}/cancel", id)
                .then().statusCode(200);

        List<AmqpPeer.Received> received = events.awaitMatching(m -> id.equals(m.property("cloudEvents:subject")), 3, WAIT);
        assertEquals(List.of("io.ordo.order.created", "io.ordo.order.status_changed", "io.ordo.order.cancelled"),
                received.stream().map(m -> m.property("cloudEvents:type")).toList());
        assertEquals(List.of(1, 2, 3), received.stream().map(m -> ((Number) m.property("cloudEvents:ordosequence")).intValue()).toList());
        AmqpPeer.Received created = received.get(0);
        assertEquals("1.0", created.property("cloudEvents:specversion"));
        assertEquals("/ordo", created.property("cloudEvents:source"));
        assertEquals("application/json", created.contentType());
        assertEquals(created.messageId(), created.property("cloudEvents:id"));
        assertEquals(Db.strings("SELECT event_id::text FROM outbox WHERE aggregate_id = ?::uuid ORDER BY sequence", id),
                received.stream().map(m -> (String) m.property("cloudEvents:id")).toList());
        assertEquals(id, created.json().getString("id"));
        assertEquals("ACCEPTED", created.json().getString("status"));
        assertEquals("20.00", created.json().getString("total"));
        assertEquals(2, created.json().getJsonArray("lines").getJsonObject(0).getJsonArray("allocations")
                .getJsonObject(0).getInteger("quantity"));
        assertEquals("CANCELLED", received.get(2).json().getString("status"));
        assertEquals(0, Db.count("SELECT count(*) FROM outbox WHERE aggregate_id = ?::uuid AND published_at IS NULL", id));
    }

    /** place_order builds order.created from the request (no read-back): it must be the order exactly as stored. */
    @Test
    void orderCreatedCarriesTheOrderExactlyAsStored() {
        String channel = Api.createChannel(Ids.unique("pl"));
        String first = Api.createLocation(Ids.unique("WH"), 1);
        String second = Api.createLocation(Ids.unique("WH"), 2);
        String a = Ids.unique("PA");
        String b = Ids.unique("PB");
        String c = Ids.unique("PC");
        Api.setStock(a, first, 3);
        Api.setStock(a, second, 10);
        Api.setStock(b, second, 10);
        Api.setStock(c, first, 10);
        List<String> ids = new ArrayList<>();
        // a line split over two locations, a second line, prices that need rounding to the currency's digits
        Map<String, Object> split = new HashMap<>(Api.order("PL-1", a, 5, b, 1));
        split.put("lines", List.of(Map.of("sku", a, "quantity", 5, "unitPrice", "1.5"),
                Map.of("sku", b, "quantity", 1, "unitPrice", "0")));
        ids.add(as(Tokens.channel(channel)).body(split).post("/v1/orders").then().statusCode(201).extract().path("id"));
        // a currency without minor units, a customer with a phone and an address with every field
        Map<String, Object> yen = new HashMap<>(Api.order("PL-2", c, 2));
        yen.put("currency", "JPY");
        yen.put("lines", List.of(Map.of("sku", c, "quantity", 2, "unitPrice", "1200")));
        yen.put("customer", Map.of("email", "kei@example.com", "name", "Kei", "phone", "+81 3 1234 5678"));
        yen.put("shippingAddress", Map.of("line1", "1-1 Chiyoda", "line2", "Apt 2", "city", "Tokyo", "region", "Tokyo",
                "postalCode", "100-0001", "country", "JP"));
        ids.add(as(Tokens.channel(channel)).body(yen).post("/v1/orders").then().statusCode(201).extract().path("id"));
        // a hold converted into an order (allocations moved, not made)
        String hold = Api.hold(channel, c, 1);
        Map<String, Object> fromHold = new HashMap<>(Api.order("PL-3", c, 1));
        fromHold.put("holdId", hold);
        ids.add(as(Tokens.channel(channel)).body(fromHold).post("/v1/orders").then().statusCode(201).extract().path("id"));
        // a batch
        ids.addAll(as(Tokens.channel(channel)).body(Map.of("orders", List.of(Api.order("PL-4", b, 2), Api.order("PL-5", a, 4))))
                .post("/v1/orders/batch").then().statusCode(200).extract().path("results.order.id"));

        assertEquals(5, ids.size());
        for (String id : ids) {
            assertEquals(List.of("true"), Db.strings("""
                    SELECT (payload = order_json(aggregate_id))::text FROM outbox
                     WHERE aggregate_id = ?::uuid AND type = 'order.created'""", id), "order.created of " + id);
        }
    }

    /**
     * Intake answers with the order document as the database built it (no decoding on the hot path); GET decodes it
     * into an OrderView and writes that: both, and the order.created payload, must be the same JSON, times included.
     */
    @Test
    void theIntakeAnswerIsTheOrderAsGetShowsItAndAsItsEventCarriesIt() throws Exception {
        String channel = Api.createChannel(Ids.unique("ia"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("IA");
        Api.setStock(sku, location, 10);
        ObjectMapper mapper = new ObjectMapper();
        String single = as(Tokens.channel(channel)).body(Api.order("IA-1", sku, 2)).post("/v1/orders").then()
                .statusCode(201).extract().asString();
        String batch = as(Tokens.channel(channel)).body(Map.of("orders", List.of(Api.order("IA-2", sku, 1))))
                .post("/v1/orders/batch").then().statusCode(200).extract().asString();
        List<JsonNode> answers = List.of(mapper.readTree(single), mapper.readTree(batch).at("/results/0/order"));
        for (JsonNode answer : answers) {
            String id = answer.get("id").asText();
            String got = as(Tokens.channel(channel)).get("/v1/orders/" + id).then().statusCode(200).extract().asString();
            assertEquals(mapper.readTree(got), answer, "GET /v1/orders/" + id + " and the intake answer");
            assertEquals(answer, mapper.readTree(Db.strings("""
                    SELECT payload::text FROM outbox WHERE aggregate_id = ?::uuid AND type = 'order.created'""", id).get(0)),
                    "order.created of " + id);
        }
    }

    @Test
    void ordersAreAcceptedThroughABrokerOutageAndEveryEventArrivesAfterwards() throws Exception {
        AmqpPeer events = AmqpPeer.orderEvents();
        String channel = Api.createChannel(Ids.unique("outage"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("OUT");
        Api.setStock(sku, location, 100);

        events.disconnect();
        ArtemisTestBroker.stopBroker();
        List<String> ids = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                String id = as(Tokens.channel(channel)).body(Api.order("OUT-" + i, sku, 1)).post("/v1/orders")
                        .then().statusCode(201).extract().path("id");
                ids.add(id);
                as(Tokens.fulfillment()).body(Map.of("status", "PROCESSING")).post("/v1/orders/{id}/status", id)
                        .then().statusCode(200);
            }
            // the broker links are reported as wellness; liveness and readiness stay UP (intake works) ...
            Awaitility.await().atMost(WAIT).until(() -> given().get("/q/health/well").statusCode() == 503);
            given().get("/q/health/live").then().statusCode(200);
            given().get("/q/health/ready").then().statusCode(200);
            // ... and with the broker gone nothing can be published: the events wait in the outbox (as after a crash)
            assertEquals(20, Db.count("SELECT count(*) FROM outbox o JOIN orders r ON r.id = o.aggregate_id "
                    + "WHERE r.channel = ? AND o.published_at IS NULL", channel));
        } finally {
            ArtemisTestBroker.restart();
        }

        Set<String> mine = Set.copyOf(ids);
        List<AmqpPeer.Received> received = events.awaitMatching(
                m -> mine.contains((String) m.property("cloudEvents:subject")), 20, Duration.ofSeconds(60));
        Map<String, List<Integer>> sequences = received.stream().collect(Collectors.groupingBy(
                m -> (String) m.property("cloudEvents:subject"), HashMap::new,
                Collectors.mapping(m -> ((Number) m.property("cloudEvents:ordosequence")).intValue(), Collectors.toList())));
        for (String id : ids) {
            List<Integer> seen = sequences.get(id);
            assertTrue(seen.containsAll(List.of(1, 2)), "both events of " + id + ": " + seen);
            assertTrue(seen.indexOf(1) < seen.lastIndexOf(2), "in order: " + seen);
        }
        Awaitility.await().atMost(WAIT).until(() -> Db.count("SELECT count(*) FROM outbox o JOIN orders r "
                + "ON r.id = o.aggregate_id WHERE r.channel = ? AND o.published_at IS NULL", channel) == 0);
        // every link is back, and a bad message still reaches the dead-letter address
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> given().get("/q/health/well").statusCode() == 200);
        try (AmqpPeer dead = AmqpPeer.consuming("ordo.orders.in.dead")) {
            String messageId = Ids.unique("after-outage");
            AmqpPeer.send("ordo.orders.in", messageId, "{\"channel\": \"" + channel + "\"}");
            dead.awaitMatching(m -> m.body().contains(messageId), 1, Duration.ofSeconds(60));
        }
    }

    @Test
    void twoRelaysOnOneDatabasePublishEveryEventOnce() {
        AmqpPeer events = AmqpPeer.orderEvents();
        String channel = Api.createChannel(Ids.unique("relays"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("REL");
        Api.setStock(sku, location, 1000);
        // a second relay, as another instance would run it, racing the application's own
        OutboxRelay second = new OutboxRelay(pool, vertx, sinks, registry, 50, Duration.ofMillis(100),
                Duration.ofSeconds(10), Duration.ofDays(7), false);
        List<String> ids = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 20; i++) {
                ids.add(as(Tokens.channel(channel)).body(Api.order("R-" + round + "-" + i, sku, 1)).post("/v1/orders")
                        .then().statusCode(201).extract().path("id"));
            }
            List<CompletableFuture<Integer>> racing = IntStream.range(0, 3)
                    .mapToObj(i -> second.drain().subscribeAsCompletionStage()).toList();
            racing.forEach(CompletableFuture::join);
        }
        Set<String> mine = Set.copyOf(ids);
        events.awaitMatching(m -> mine.contains((String) m.property("cloudEvents:subject")), 100, WAIT);
        Map<Object, Long> perEvent = events.matching(m -> mine.contains((String) m.property("cloudEvents:subject")))
                .stream().collect(Collectors.groupingBy(m -> m.property("cloudEvents:id"), Collectors.counting()));
        assertEquals(100, perEvent.size());
        assertEquals(Set.of(1L), Set.copyOf(perEvent.values()), "no event published twice by racing relays");
    }
}
