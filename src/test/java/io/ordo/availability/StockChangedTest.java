package io.ordo.availability;

import static io.ordo.support.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.ordo.support.AmqpPeer;
import io.ordo.support.Api;
import io.ordo.support.Db;
import io.ordo.support.Ids;
import io.ordo.support.Tokens;
import io.ordo.support.WebhookReceiver;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/**
 * stock.changed with the default coalescing interval (ordo.availability.coalesce = 1s, not shortened for tests):
 * at most one per SKU per second, sequence increasing by one per SKU, the last one carrying the final figures, none
 * when nothing changed; carried by AMQP and by a channel-scoped webhook subscription.
 */
@QuarkusTest
class StockChangedTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(20);

    @TestHTTPResource("/")
    URI base;

    @AfterEach
    void invariantsHold() {
        Db.assertInvariants();
    }

    /** One stock.changed of a SKU as the outbox holds it. */
    record Announced(int sequence, int outboxSequence, JsonObject payload, OffsetDateTime createdAt) {
    }

    static List<Announced> announced(String sku) {
        return Db.strings("""
                SELECT json_build_object('sequence', o.sequence, 'payload', o.payload,
                                         'createdAt', to_char(o.created_at AT TIME ZONE 'UTC',
                                                              'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                                         'aggregate', o.aggregate_type, 'feedId', o.aggregate_id = f.id)::text
                  FROM outbox o JOIN availability_feed f ON f.sku = ?
                 WHERE o.type = 'stock.changed' AND o.payload ->> 'sku' = f.sku
                 ORDER BY o.id""", sku).stream().map(JsonObject::new).map(row -> {
                    assertEquals("sku", row.getString("aggregate"));
                    assertTrue(row.getBoolean("feedId"), "the aggregate id is the SKU's feed id");
                    JsonObject payload = row.getJsonObject("payload");
                    return new Announced(payload.getInteger("sequence"), row.getInteger("sequence"), payload,
                            OffsetDateTime.parse(row.getString("createdAt")));
                }).toList();
    }

    static List<Announced> awaitAnnounced(String sku, java.util.function.Predicate<List<Announced>> until) {
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> until.test(announced(sku)));
        return announced(sku);
    }

    static Integer lastAvailable(List<Announced> events) {
        return events.isEmpty() ? null : events.get(events.size() - 1).payload().getInteger("available");
    }

    @Test
    void aBurstOfAThousandOrdersIsCoalescedToAboutOneEventPerSecondInSequenceEndingWithTheFinalFigures()
            throws Exception {
        String channel = Api.createChannel(Ids.unique("burst"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("HOT");
        unannouncedStock(sku, location, 5000);

        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String token = Tokens.channel(channel);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger created = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(16);
        Instant start = Instant.now();
        List<Future<?>> workers = new java.util.ArrayList<>();
        for (int t = 0; t < 16; t++) {
            workers.add(threads.submit(() -> {
                for (int i = next.getAndIncrement(); i < 1000; i = next.getAndIncrement()) {
                    HttpRequest request = HttpRequest.newBuilder(base.resolve("/v1/orders"))
                            .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    JSON.writeValueAsString(Api.order("HOT-" + i, sku, 1))))
                            .build();
                    if (client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode() == 201) {
                        created.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        threads.shutdown();
        Duration burst = Duration.between(start, Instant.now());
        assertEquals(1000, created.get());

        List<Announced> events = awaitAnnounced(sku, e -> Integer.valueOf(4000).equals(lastAvailable(e)));
        long seconds = (long) Math.ceil(burst.toMillis() / 1000.0);
        System.out.printf("stock.changed during a %d ms burst of 1000 orders: %d events%n", burst.toMillis(),
                events.size());
        assertTrue(events.size() >= 2, "a burst of " + burst.toMillis() + " ms is announced more than once: " + events);
        assertTrue(events.size() <= seconds + 2,
                "at most one per second of the burst plus one: " + events.size() + " in " + burst.toMillis() + " ms");
        for (int i = 0; i < events.size(); i++) {
            Announced event = events.get(i);
            assertEquals(i + 1, event.sequence(), "sequence counts this SKU's events from 1");
            assertEquals(event.sequence(), event.outboxSequence());
            assertEquals(Map.of("sku", sku, "backorderable", 0, "inventoryPolicy", "DENY"),
                    Map.of("sku", event.payload().getString("sku"),
                            "backorderable", event.payload().getInteger("backorderable"),
                            "inventoryPolicy", event.payload().getString("inventoryPolicy")));
            assertTrue(event.payload().containsKey("expectedAt") && event.payload().getValue("expectedAt") == null);
            if (i > 0) {
                Duration gap = Duration.between(events.get(i - 1).createdAt(), event.createdAt());
                assertTrue(gap.compareTo(Duration.ofSeconds(1)) >= 0, "events of a SKU at least 1 s apart: " + gap);
                assertTrue(events.get(i - 1).payload().getInteger("available")
                        > event.payload().getInteger("available"), "availability only fell during the burst");
            }
        }
        // and nothing more comes once it is quiet
        int announcedInTheBurst = events.size();
        Awaitility.await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5))
                .until(() -> announced(sku).size() == announcedInTheBurst);
        assertEquals(events.size(), announced(sku).size());
        assertEquals(0, Db.count("SELECT count(*) FROM stock WHERE sku = ? AND availability_changed", sku));
    }

    @Test
    void underSpreadConcurrentIntakeEverySkuEndsAnnouncedWithItsFinalFiguresInUnbrokenSequence() throws Exception {
        String channel = Api.createChannel(Ids.unique("spread"));
        String first = Api.createLocation(Ids.unique("WH"), 1);
        String second = Api.createLocation(Ids.unique("WH"), 2);
        List<String> skus = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String sku = Ids.unique("SPREAD");
            // one of them runs low during the load (urgent path), the others do not (the cursor's round)
            unannouncedStock(sku, first, i == 0 ? 40 : 2000);
            unannouncedStock(sku, second, i == 0 ? 10 : 500);
            skus.add(sku);
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String token = Tokens.channel(channel);
        AtomicInteger next = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(16);
        List<Future<?>> workers = new java.util.ArrayList<>();
        for (int t = 0; t < 16; t++) {
            workers.add(threads.submit(() -> {
                java.util.Random random = new java.util.Random();
                for (int i = next.getAndIncrement(); i < 600; i = next.getAndIncrement()) {
                    String a = skus.get(random.nextInt(skus.size()));
                    String b = skus.get(random.nextInt(skus.size()));
                    Object[] lines = a.equals(b) ? new Object[] { a, 1 } : new Object[] { a, 1, b, 2 };
                    HttpRequest request = HttpRequest.newBuilder(base.resolve("/v1/orders"))
                            .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    JSON.writeValueAsString(Api.order("SPREAD-" + i, lines))))
                            .build();
                    int status = client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
                    assertTrue(status == 201 || status == 409, "201, or 409 once the low SKU is out: " + status);
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        threads.shutdown();

        for (String sku : skus) {
            int available = (int) Db.count("SELECT coalesce(sum(on_hand - reserved), 0) FROM stock WHERE sku = ?", sku);
            List<Announced> events = awaitAnnounced(sku, e -> Integer.valueOf(available).equals(lastAvailable(e)));
            for (int i = 0; i < events.size(); i++) {
                assertEquals(i + 1, events.get(i).sequence(), sku + ": sequence unbroken, no event twice");
            }
        }
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> Db.count(
                "SELECT count(*) FROM stock WHERE sku = ANY (?::text[]) AND (availability_changed OR low_crossed)",
                (Object) skus.toArray(String[]::new)) == 0);
    }

    @Test
    void aPolicyChangeIsAnnouncedAndArrivesOnAmqpButAFlagWithoutAChangeIsNot() throws Exception {
        AmqpPeer amqp = AmqpPeer.orderEvents();
        String channel = Api.createChannel(Ids.unique("pol"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("POL");
        unannouncedStock(sku, location, 3);
        as(Tokens.channel(channel)).body(Api.order("POL-1", sku, 1)).post("/v1/orders").then().statusCode(201);
        List<Announced> first = awaitAnnounced(sku, e -> !e.isEmpty());
        assertEquals(1, first.size());
        assertEquals(2, first.get(0).payload().getInteger("available"));

        Db.exec("SELECT set_sku_policy(?, 'PREORDER', 50, '2027-03-01T09:00:00Z', 'test')", sku);
        List<Announced> events = awaitAnnounced(sku, e -> e.size() == 2);
        JsonObject changed = events.get(1).payload();
        assertEquals(2, changed.getInteger("sequence"));
        assertEquals("PREORDER", changed.getString("inventoryPolicy"));
        assertEquals(50, changed.getInteger("backorderable"));
        assertEquals("2027-03-01T09:00:00.000000Z", changed.getString("expectedAt"));
        assertEquals(2, changed.getInteger("available"));

        String feedId = Db.strings("SELECT id::text FROM availability_feed WHERE sku = ?", sku).get(0);
        List<AmqpPeer.Received> received = amqp.awaitMatching(m -> feedId.equals(m.property("cloudEvents:subject")),
                2, WAIT);
        assertEquals(List.of("io.ordo.stock.changed", "io.ordo.stock.changed"),
                received.stream().map(m -> m.property("cloudEvents:type")).toList());
        assertEquals("sku", received.get(1).property("cloudEvents:ordoaggregate"));
        assertEquals(2, ((Number) received.get(1).property("cloudEvents:ordosequence")).intValue());
        assertEquals("PREORDER", received.get(1).json().getString("inventoryPolicy"));

        // the same policy again, and stock flagged without a change of its figures: checked, not announced
        Db.exec("SELECT set_sku_policy(?, 'PREORDER', 50, '2027-03-01T09:00:00Z', 'test')", sku);
        Db.exec("UPDATE stock SET availability_changed = true WHERE sku = ?", sku);
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> Db.count(
                "SELECT count(*) FROM stock WHERE sku = ? AND availability_changed", sku) == 0);
        Awaitility.await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(4))
                .until(() -> announced(sku).size() == 2);
        assertEquals(2, announced(sku).size());

        // a restock through change_stock (the ledgered change of a count) is announced
        Db.exec("SELECT change_stock(gen_random_uuid(), 'ADJUSTMENT', ?, ?, 5, NULL, 'delivery', 'test', 1000000000)",
                sku, location);
        List<Announced> restocked = awaitAnnounced(sku, e -> e.size() == 3);
        assertEquals(7, restocked.get(2).payload().getInteger("available"));
        assertEquals(3, restocked.get(2).sequence());
    }

    private String subscriptionId;
    private String subscriptionChannel;

    /**
     * A subscription to stock.changed receives every SKU's changes, so one left behind would collect deliveries of the
     * later tests' stock towards a receiver that is gone (and their retries would show up in their claims).
     */
    @AfterEach
    void unsubscribe() {
        if (subscriptionId != null) {
            as(Tokens.channel(subscriptionChannel)).delete("/v1/webhooks/{id}", subscriptionId).then().statusCode(204);
            subscriptionId = null;
        }
    }

    @Test
    void aChannelScopedSubscriptionReceivesStockChanged() {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            String channel = Api.createChannel(Ids.unique("hook"));
            String other = Api.createChannel(Ids.unique("hookother"));
            String location = Api.createLocation(Ids.unique("WH"), 1);
            String sku = Ids.unique("HOOK");
            Api.setStock(sku, location, 10);
            io.restassured.path.json.JsonPath subscription = as(Tokens.channel(channel))
                    .body(Map.of("url", receiver.url("/hooks/" + channel), "events",
                            List.of("stock.changed", "order.created")))
                    .post("/v1/webhooks").then().statusCode(201).extract().jsonPath();
            receiver.verifyWith(subscription.getString("secret"));
            subscriptionId = subscription.getString("id");
            subscriptionChannel = channel;

            // an order of ANOTHER channel changes the SKU's availability: the event has no channel, and is delivered
            String otherOrder = as(Tokens.channel(other)).body(Api.order("HOOK-1", sku, 4)).post("/v1/orders")
                    .then().statusCode(201).extract().path("id");
            // (the count of 10 before it may have been announced already, as sequence 1)
            List<WebhookReceiver.Received> got = receiver.awaitReceived(
                    r -> "stock.changed".equals(r.json().getString("type"))
                            && sku.equals(r.json().getJsonObject("data").getString("sku"))
                            && r.json().getJsonObject("data").getInteger("available") == 6, 1, WAIT);
            WebhookReceiver.Received event = got.get(0);
            assertTrue(event.signatureValid());
            JsonObject data = event.json().getJsonObject("data");
            assertEquals(6, data.getInteger("available"));
            assertTrue(data.getInteger("sequence") >= 1);
            assertNull(data.getValue("channel"));
            // the other channel's order.created is still not delivered to this channel's subscription
            assertTrue(receiver.received().stream().noneMatch(r -> "order.created".equals(r.json().getString("type"))
                    && otherOrder.equals(r.json().getJsonObject("data").getString("id"))));
        }
    }

    /**
     * The feed never waits for intake: while a transaction holds a flagged stock row (an intake reserving from it),
     * the flusher announces the committed figures, leaves that row's flag (the row is being changed), and the held
     * transaction's change is announced by a later run.
     */
    @Test
    void aRowHeldByAnotherTransactionKeepsItsFlagAndItsChangeIsAnnouncedAfterwards() throws Exception {
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("HELD");
        Db.exec("INSERT INTO stock (sku, location, on_hand, availability_changed) VALUES (?, ?, 7, true)", sku,
                location);
        try (java.sql.Connection held = io.ordo.support.PostgresTestDatabase.connect()) {
            held.setAutoCommit(false);
            try (java.sql.PreparedStatement lock = held.prepareStatement(
                    "SELECT 1 FROM stock WHERE sku = ? AND location = ? FOR UPDATE")) {
                lock.setString(1, sku);
                lock.setString(2, location);
                lock.executeQuery().close();
            }
            // announced while the row is held: the flusher did not wait for the lock
            List<Announced> first = awaitAnnounced(sku, e -> !e.isEmpty());
            assertEquals(7, first.get(0).payload().getInteger("available"));
            assertEquals(1, Db.count("SELECT count(*) FROM stock WHERE sku = ? AND availability_changed", sku),
                    "a held row keeps its flag");
            try (java.sql.PreparedStatement change = held.prepareStatement(
                    "UPDATE stock SET on_hand = 4 WHERE sku = ? AND location = ?")) {
                change.setString(1, sku);
                change.setString(2, location);
                change.executeUpdate();
            }
            held.commit();
        }
        List<Announced> events = awaitAnnounced(sku, e -> e.size() == 2);
        assertEquals(4, events.get(1).payload().getInteger("available"));
        assertEquals(2, events.get(1).payload().getInteger("sequence"));
        Awaitility.await().atMost(WAIT).until(
                () -> Db.count("SELECT count(*) FROM stock WHERE sku = ? AND availability_changed", sku) == 0);
        assertEquals(2, announced(sku).size(), "nothing said twice");
    }

    /**
     * A stock row put straight into the table, not flagged as changed (a count through the API is announced itself,
     * which would race with the figures these tests expect first).
     */
    private static void unannouncedStock(String sku, String location, int onHand) {
        Db.exec("INSERT INTO stock (sku, location, on_hand) VALUES (?, ?, ?)", sku, location, onHand);
    }
}
