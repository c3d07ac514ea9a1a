package io.ordo.webhook;

import static io.ordo.support.Api.as;
import static io.ordo.support.Shop.subscribe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.ordo.support.Api;
import io.ordo.support.Db;
import io.ordo.support.Shop;
import io.ordo.support.Tokens;
import io.ordo.support.WebhookReceiver;
import io.ordo.support.WebhookReceiver.Answer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.core.Vertx;

/**
 * Deliveries to real HTTP receivers on loopback, against the real database: signatures checked by the receiver's own
 * HMAC code, retries, timeouts, ordering per order, two workers on one database, 410 and Retry-After. The test profile
 * allows http and loopback targets and pauses 200 ms between attempts (4 pauses, 5 attempts), timeout 2 s.
 */
@QuarkusTest
class WebhookDeliveryTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final SendQueue.Rooms ANY_ROOM = new SendQueue.Rooms(new java.util.UUID[0], new Integer[0], 1000);

    @Inject
    DeliveryStore store;
    @Inject
    Vertx vertx;
    @Inject
    MeterRegistry registry;
    @Inject
    DeliveryWorker worker;

    static String placeOrder(Shop shop, String externalId) {
        return as(Tokens.channel(shop.channel())).body(Api.order(externalId, shop.sku(), 1)).post("/v1/orders")
                .then().statusCode(201).extract().path("id");
    }

    static List<Map<String, Object>> deliveries(String webhook, String status) {
        var request = as(Tokens.admin());
        if (status != null) {
            request = request.queryParam("status", status);
        }
        return request.get("/v1/webhooks/{id}/deliveries", webhook).then().statusCode(200).extract().path("items");
    }

    @Test
    void everyEventIsPostedSignedWithTheDocumentedBody() {
        Shop shop = Shop.create("wh-body", 10);
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            JsonPath webhook = subscribe(shop, receiver, "order.created", "order.status_changed");
            String order = placeOrder(shop, "B-1");
            as(Tokens.fulfillment()).body(Map.of("status", "PROCESSING")).post("/v1/orders/{id}/status", order)
                    .then().statusCode(200);
            as(Tokens.channel(shop.channel())).body(Map.of("reason", "test")).post("/v1/orders/{id}/cancel", order)
                    .then().statusCode(200);

            List<WebhookReceiver.Received> got = receiver.awaitReceived(r -> true, 2, WAIT);
            assertEquals(2, got.size());
            WebhookReceiver.Received created = got.get(0);
            assertTrue(created.signatureValid(), "signature checked by the receiver's own HMAC");
            assertTrue(created.signature().matches("v1,[A-Za-z0-9+/=]+"), created.signature());
            assertTrue(Math.abs(Long.parseLong(created.timestamp()) - Instant.now().getEpochSecond()) < 60);
            assertEquals(Db.strings("SELECT event_id::text FROM outbox WHERE aggregate_id = ?::uuid AND sequence = 1",
                    order), List.of(created.id()));
            var body = created.json();
            assertEquals(Set.of("type", "timestamp", "sequence", "data"), body.fieldNames());
            assertEquals("order.created", body.getString("type"));
            assertEquals(1, body.getInteger("sequence"));
            assertEquals(order, body.getJsonObject("data").getString("id"));
            assertEquals("10.00", body.getJsonObject("data").getString("total"));
            Instant.parse(body.getString("timestamp"));
            assertEquals("order.status_changed", got.get(1).json().getString("type"));
            assertEquals(2, got.get(1).json().getInteger("sequence"));
            assertEquals("PROCESSING", got.get(1).json().getJsonObject("data").getString("status"));

            // order.cancelled was not subscribed: no delivery for it, ever
            Awaitility.await().during(Duration.ofMillis(500)).atMost(WAIT)
                    .until(() -> receiver.received().size() == 2);
            List<Map<String, Object>> log = deliveries(webhook.getString("id"), "DELIVERED");
            assertEquals(2, log.size());
            Map<String, Object> attempt = ((List<Map<String, Object>>) log.get(0).get("attempts")).get(0);
            assertEquals(200, attempt.get("statusCode"));
            assertNull(attempt.get("error"));
            assertTrue(((Number) attempt.get("latencyMs")).intValue() >= 0);
            assertTrue(registry.get("ordo.webhooks.deliveries").tag("outcome", "delivered").counter().count() >= 2);
        }
    }

    @Test
    void aDeliveryAnswered500Then500Then200IsDeliveredOnTheThirdAttemptWithTheSameId() {
        Shop shop = Shop.create("wh-retry", 10);
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            AtomicInteger calls = new AtomicInteger();
            receiver.answer(r -> Answer.status(calls.incrementAndGet() <= 2 ? 500 : 200));
            JsonPath webhook = subscribe(shop, receiver, "order.created");
            placeOrder(shop, "R-1");

            List<WebhookReceiver.Received> got = receiver.awaitReceived(r -> r.answeredWith() == 200, 1, WAIT);
            List<WebhookReceiver.Received> all = receiver.received();
            assertEquals(List.of(500, 500, 200), all.stream().map(WebhookReceiver.Received::answeredWith).toList());
            assertEquals(1, all.stream().map(WebhookReceiver.Received::id).distinct().count(), "one webhook-id");
            assertTrue(all.stream().allMatch(WebhookReceiver.Received::signatureValid));
            assertEquals(got.get(0).body(), all.get(0).body());

            Awaitility.await().atMost(WAIT).until(() -> deliveries(webhook.getString("id"), "DELIVERED").size() == 1);
            Map<String, Object> delivery = deliveries(webhook.getString("id"), null).get(0);
            assertEquals(all.get(0).id(), delivery.get("webhookId"));
            List<Map<String, Object>> attempts = (List<Map<String, Object>>) delivery.get("attempts");
            assertEquals(List.of(1, 2, 3), attempts.stream().map(a -> a.get("attempt")).toList());
            assertEquals(List.of(500, 500, 200), attempts.stream().map(a -> a.get("statusCode")).toList());
            assertEquals("HTTP 500", attempts.get(0).get("error"));
            assertNull(delivery.get("nextAttemptAt"));
        }
    }

    @Test
    void afterTheLastAttemptTheDeliveryIsFailedAndAManualRetrySendsItAgain() {
        Shop shop = Shop.create("wh-fail", 10);
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            receiver.answer(r -> Answer.status(503));
            JsonPath webhook = subscribe(shop, receiver, "order.created");
            placeOrder(shop, "F-1");
            Awaitility.await().atMost(WAIT).until(() -> deliveries(webhook.getString("id"), "FAILED").size() == 1);
            assertEquals(5, receiver.received().size(), "1 attempt + 4 retries of the test schedule");
            Map<String, Object> failed = deliveries(webhook.getString("id"), "FAILED").get(0);
            assertEquals(5, ((List<?>) failed.get("attempts")).size());
            assertEquals(0, deliveries(webhook.getString("id"), "PENDING").size());

            receiver.answer(r -> Answer.status(204));
            as(Tokens.channel(shop.channel())).post("/v1/webhooks/{id}/deliveries/{d}/retry", webhook.getString("id"),
                    failed.get("id")).then().statusCode(202);
            Awaitility.await().atMost(WAIT).until(() -> deliveries(webhook.getString("id"), "DELIVERED").size() == 1);
            assertEquals(6, receiver.received().size());
            assertEquals(1, receiver.received().stream().map(WebhookReceiver.Received::id).distinct().count());
        }
    }

    @Test
    void aReceiverThatNeverAnswersDoesNotHoldTheWorkerBeyondTheTimeout() {
        Shop slow = Shop.create("wh-slow", 10);
        Shop fast = Shop.create("wh-fast", 10);
        try (WebhookReceiver hanging = WebhookReceiver.start(); WebhookReceiver healthy = WebhookReceiver.start()) {
            hanging.answer(r -> Answer.after(Duration.ofSeconds(20), 200));
            JsonPath stuck = subscribe(slow, hanging, "order.created");
            subscribe(fast, healthy, "order.created");
            long start = System.nanoTime();
            placeOrder(slow, "S-1");
            placeOrder(fast, "Q-1");
            // the other endpoint is served meanwhile
            healthy.awaitReceived(r -> true, 1, Duration.ofSeconds(5));
            // the first attempt is written as a timeout after about 2 s (the test timeout), long before 20 s
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
                List<Map<String, Object>> log = deliveries(stuck.getString("id"), null);
                return !log.isEmpty() && !((List<?>) log.get(0).get("attempts")).isEmpty();
            });
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(seconds < 8, "timeout written after " + seconds + " s");
            Map<String, Object> first = ((List<Map<String, Object>>) deliveries(stuck.getString("id"), null).get(0)
                    .get("attempts")).get(0);
            assertNull(first.get("statusCode"));
            assertTrue(((String) first.get("error")).startsWith("timeout"), (String) first.get("error"));
            int latency = ((Number) first.get("latencyMs")).intValue();
            assertTrue(latency >= 1900 && latency < 4000, "latency " + latency);
            as(Tokens.admin()).body(Map.of("enabled", false)).patch("/v1/webhooks/{id}", stuck.getString("id"))
                    .then().statusCode(200);
        }
    }

    @Test
    void eventsOfOneOrderArriveInSequenceOrderEvenWhenAnEarlierOneIsRetried() {
        Shop shop = Shop.create("wh-order", 100);
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            Map<String, AtomicInteger> firstFailures = new ConcurrentHashMap<>();
            // slow, and the first attempt of every order.created fails: the later events must wait for it
            receiver.answer(r -> {
                boolean created = r.body().contains("\"order.created\"");
                if (created && firstFailures.computeIfAbsent(r.id(), k -> new AtomicInteger()).getAndIncrement() == 0) {
                    return Answer.after(Duration.ofMillis(30), 500);
                }
                return Answer.after(Duration.ofMillis(30), 200);
            });
            subscribe(shop, receiver, "order.created", "order.status_changed", "order.cancelled");
            List<String> orders = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String order = placeOrder(shop, "O-" + i);
                orders.add(order);
                as(Tokens.fulfillment()).body(Map.of("status", "PROCESSING")).post("/v1/orders/{id}/status", order)
                        .then().statusCode(200);
                as(Tokens.channel(shop.channel())).body(Map.of("reason", "r")).post("/v1/orders/{id}/cancel", order)
                        .then().statusCode(200);
            }
            receiver.awaitReceived(r -> r.answeredWith() == 200, 24, Duration.ofSeconds(60));
            Map<String, List<Integer>> byOrder = new HashMap<>();
            for (WebhookReceiver.Received r : receiver.received()) {
                var json = r.json();
                byOrder.computeIfAbsent(json.getJsonObject("data").getString("id"), k -> new ArrayList<>())
                        .add(json.getInteger("sequence"));
            }
            for (String order : orders) {
                // every request of an order, successful or not, in order: 1 (500), 1, 2, 3
                assertEquals(List.of(1, 1, 2, 3), byOrder.get(order), order);
            }
        }
    }

    @Test
    void theFanOutClaimsOnlyDeliveriesThatMayGoOutAtOnceAndNoMoreThanTheRoomGiven() {
        Shop shop = Shop.create("wh-claim", 10);
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            receiver.answer(r -> Answer.status(200));
            subscribe(shop, receiver, "order.created", "order.status_changed");
            String a = java.util.UUID.randomUUID().toString();
            String b = java.util.UUID.randomUUID().toString();
            // three events already published (the relay leaves them alone): a#1 and a#2 of one order, b#1 of another
            Long[] positions = {event(shop, a, 1, "order.created"), event(shop, a, 2, "order.status_changed"),
                    event(shop, b, 1, "order.created")};

            int room = worker.reserve(1);
            List<DueDelivery> claimed = store.fanOut(positions, room, 60, ANY_ROOM).await().atMost(WAIT);
            // a#1 is the only one claimed: a#2 waits behind a#1, b#1 found no room left
            assertEquals(1, claimed.size());
            assertEquals(1, claimed.get(0).attempt());
            assertEquals(Db.strings("SELECT event_id::text FROM outbox WHERE id = ?", positions[0]),
                    List.of(claimed.get(0).eventId().toString()));
            assertEquals(List.of(), store.fanOut(positions, 0, 60, ANY_ROOM).await().atMost(WAIT), "offered again: nothing new");

            // b#1 goes out by the poll; a#2 only after a#1, which waits for its lease unless sent by its claimer
            receiver.awaitReceived(r -> true, 1, WAIT);
            Awaitility.await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> receiver.received().size() == 1);
            double fannedOut = registry.counter("ordo.webhooks.claims", "source", "fan-out").count();
            worker.dispatch(claimed, room, "fan-out");
            assertEquals(fannedOut + 1, registry.counter("ordo.webhooks.claims", "source", "fan-out").count());
            List<WebhookReceiver.Received> got = receiver.awaitReceived(r -> true, 3, WAIT);
            assertEquals(List.of(b, a, a), got.stream().map(r -> r.json().getJsonObject("data").getString("id")).toList());
            assertEquals(List.of(1, 1, 2), got.stream().map(r -> r.json().getInteger("sequence")).toList());
        }
    }

    @Test
    void aClaimThatCouldNotStartInTimeIsGivenBackNotSentLate() {
        Shop shop = Shop.create("wh-lapse", 10);
        DeliveryWorker other = pollingWorker();
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            receiver.answer(r -> Answer.status(200));
            subscribe(shop, receiver, "order.created");
            String order = java.util.UUID.randomUUID().toString();
            Long[] positions = {event(shop, order, 1, "order.created")};
            int room = other.reserve(1);
            List<DueDelivery> claimed = store.fanOut(positions, room, 600, ANY_ROOM).await().atMost(WAIT);
            assertEquals(1, claimed.size());
            double lapsed = registry.counter("ordo.webhooks.claims.lapsed").count();

            // queued past the time it had to start by (a long local queue): not sent by this worker, given back
            // (attempt not counted, due now) instead of waiting for its 10-minute lease; a poll sends it once
            other.dispatch(claimed, room, "fan-out", System.nanoTime() - 1);
            assertEquals(lapsed + 1, registry.counter("ordo.webhooks.claims.lapsed").count());
            assertEquals(0, other.inFlight());
            List<WebhookReceiver.Received> got = receiver.awaitReceived(r -> true, 1, WAIT);
            assertEquals(claimed.get(0).eventId().toString(), got.get(0).id());
            Awaitility.await().atMost(WAIT).until(() -> Db.count("SELECT count(*) FROM webhook_deliveries "
                    + "WHERE id = ? AND status = 'DELIVERED' AND attempts = 1", claimed.get(0).id()) == 1);
            Awaitility.await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> receiver.received().size() == 1);
            assertEquals(0, store.release(claimed).await().atMost(WAIT), "a finished delivery is not given back");
        }
    }

    @Test
    void nothingMoreIsClaimedForACongestedEndpointByTheFanOutOrThePoll() {
        Shop shop = Shop.create("wh-congested", 10);
        worker.stop(); // no poll of this instance's worker in between: the test claims by hand
        try (WebhookReceiver busyReceiver = WebhookReceiver.start();
                WebhookReceiver freeReceiver = WebhookReceiver.start()) {
            UUID busy = UUID.fromString(subscribe(shop, busyReceiver, "order.created").getString("id"));
            UUID free = UUID.fromString(subscribe(shop, freeReceiver, "order.created").getString("id"));
            Long[] positions = {event(shop, UUID.randomUUID().toString(), 1, "order.created"),
                    event(shop, UUID.randomUUID().toString(), 1, "order.created")};

            // the busy endpoint has no room left on this instance: the fan-out claims only the free one's
            SendQueue.Rooms rooms = new SendQueue.Rooms(new UUID[] {busy}, new Integer[] {0}, 10);
            List<DueDelivery> claimed = store.fanOut(positions, 10, 60, rooms).await().atMost(WAIT);
            assertEquals(List.of(free, free), claimed.stream().map(DueDelivery::subscriptionId).toList());
            // the poll skips it too, while it is congested; afterwards it claims its two
            Set<UUID> ours = Set.of(busy, free);
            assertEquals(List.of(), pollOnly(ours, List.of(busy)));
            List<DueDelivery> polled = pollOnly(ours, List.of());
            assertEquals(List.of(busy, busy), polled.stream().map(DueDelivery::subscriptionId).toList());

            List<DueDelivery> all = new ArrayList<>(claimed);
            all.addAll(polled);
            assertEquals(4, store.release(all).await().atMost(WAIT));
            worker.start();
            busyReceiver.awaitReceived(r -> true, 2, WAIT);
            freeReceiver.awaitReceived(r -> true, 2, WAIT);
        } finally {
            worker.start();
        }
    }

    /**
     * One poll, seen through this test's subscriptions: the poll claims every due delivery in the database, and an
     * earlier test's retries (its receiver long gone) may be due at this moment; those are given back untouched.
     */
    private List<DueDelivery> pollOnly(Set<UUID> subscriptions, List<UUID> congested) {
        List<DueDelivery> polled = store.claimDueDeliveries(100, Duration.ofSeconds(60), congested)
                .await().atMost(WAIT);
        List<DueDelivery> others = polled.stream().filter(d -> !subscriptions.contains(d.subscriptionId())).toList();
        if (!others.isEmpty()) {
            store.release(others).await().atMost(WAIT);
        }
        return polled.stream().filter(d -> subscriptions.contains(d.subscriptionId())).toList();
    }

    private static long event(Shop shop, String aggregate, int sequence, String type) {
        return Long.parseLong(Db.strings("""
                INSERT INTO outbox (aggregate_type, aggregate_id, sequence, type, payload, published_at)
                VALUES ('order', ?::uuid, ?, ?, jsonb_build_object('id', ?::text, 'channel', ?::text), now())
                RETURNING id::text""", aggregate, sequence, type, aggregate, shop.channel()).get(0));
    }

    @Test
    void twoWorkersOnOneDatabaseNeverSendADeliveryTwice() {
        // this instance's worker gets most first attempts claimed at fan-out; the other one polls for the rest
        DeliveryWorker second = pollingWorker();
        second.start();
        try {
            assertEveryDeliverySentOnce("wh-race");
        } finally {
            second.stop();
        }
    }

    @Test
    void twoPollingWorkersOnOneDatabaseNeverSendADeliveryTwice() {
        // nothing is claimed at fan-out while this instance's worker is stopped: two pollers race for every delivery
        DeliveryWorker second = pollingWorker();
        DeliveryWorker third = pollingWorker();
        worker.stop();
        second.start();
        third.start();
        try {
            assertEveryDeliverySentOnce("wh-race2");
        } finally {
            second.stop();
            third.stop();
            worker.start();
        }
    }

    @Test
    void aSlowEndpointGetsNoMoreThanItsShareOfTheSendingSlots() {
        Shop shop = Shop.create("wh-fair", 100);
        // 8 slots, at most 2 per endpoint; this instance's worker stopped so that this one does all the sending
        DeliveryWorker fair = new DeliveryWorker(store, vertx, new WebhookUrlGuard(true, true), registry,
                new DeliveryWorker.Settings(true, Duration.ofMillis(20), 50, 8, 2, Duration.ofSeconds(2),
                        List.of(Duration.ofSeconds(30)), Duration.ofDays(5), Duration.ofDays(7)),
                Clock.systemUTC());
        worker.stop();
        try (WebhookReceiver slow = WebhookReceiver.start(); WebhookReceiver fast = WebhookReceiver.start()) {
            slow.answer(r -> Answer.after(Duration.ofSeconds(3), 200)); // never within the 2-s timeout
            fast.answer(r -> Answer.status(200));
            JsonPath stuck = subscribe(shop, slow, "order.created");
            subscribe(shop, fast, "order.created");
            int orders = 12;
            for (int i = 0; i < orders; i++) {
                placeOrder(shop, "F-" + i);
            }
            fair.start();

            List<WebhookReceiver.Received> quick = fast.awaitReceived(r -> true, orders, WAIT);
            Duration spread = Duration.between(quick.get(0).at(), quick.get(orders - 1).at());
            assertTrue(spread.toMillis() < 1500, "the fast endpoint was not held up by the slow one: " + spread);
            List<WebhookReceiver.Received> late = slow.awaitReceived(r -> true, 3, WAIT);
            Instant first = late.get(0).at();
            long inFirstWave = late.stream().filter(r -> r.at().isBefore(first.plusMillis(1500))).count();
            assertEquals(2, inFirstWave, "at most 2 attempts on the wire to one endpoint");
            as(Tokens.admin()).body(Map.of("enabled", false)).patch("/v1/webhooks/{id}", stuck.getString("id"))
                    .then().statusCode(200);
        } finally {
            fair.stop();
            worker.start();
        }
    }

    private DeliveryWorker pollingWorker() {
        return new DeliveryWorker(store, vertx, new WebhookUrlGuard(true, true), registry,
                new DeliveryWorker.Settings(true, Duration.ofMillis(20), 7, 16, 16, Duration.ofSeconds(2),
                        List.of(Duration.ofMillis(200)), Duration.ofDays(5), Duration.ofDays(7)),
                Clock.systemUTC());
    }

    private void assertEveryDeliverySentOnce(String channel) {
        Shop shop = Shop.create(channel, 1000);
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            receiver.answer(r -> Answer.after(Duration.ofMillis(5), 200));
            JsonPath webhook = subscribe(shop, receiver, "order.created", "order.status_changed");
            int orders = 60;
            for (int i = 0; i < orders; i++) {
                String order = placeOrder(shop, "W-" + i);
                as(Tokens.fulfillment()).body(Map.of("status", "PROCESSING")).post("/v1/orders/{id}/status", order)
                        .then().statusCode(200);
            }
            receiver.awaitReceived(r -> true, 2 * orders, Duration.ofSeconds(60));
            Awaitility.await().during(Duration.ofSeconds(1)).atMost(WAIT)
                    .until(() -> receiver.received().size() == 2 * orders);
            Map<String, Long> perId = receiver.received().stream()
                    .collect(Collectors.groupingBy(WebhookReceiver.Received::id, Collectors.counting()));
            assertEquals(2 * orders, perId.size());
            assertTrue(perId.values().stream().allMatch(n -> n == 1), "no webhook-id twice: " + perId);
            assertEquals(0, Db.count("SELECT count(*) FROM webhook_deliveries WHERE subscription_id = ?::uuid "
                    + "AND (attempts <> 1 OR status <> 'DELIVERED')", webhook.getString("id")));
            assertEquals(2 * orders, Db.count("SELECT count(*) FROM webhook_attempts a JOIN webhook_deliveries d "
                    + "ON d.id = a.delivery_id WHERE d.subscription_id = ?::uuid", webhook.getString("id")));
        }
    }

    @Test
    void a410DisablesTheEndpointAndA429sRetryAfterIsHonoured() {
        Shop gone = Shop.create("wh-gone", 10);
        Shop busy = Shop.create("wh-busy", 10);
        try (WebhookReceiver goneReceiver = WebhookReceiver.start(); WebhookReceiver busyReceiver = WebhookReceiver.start()) {
            goneReceiver.answer(r -> Answer.status(410));
            JsonPath disabled = subscribe(gone, goneReceiver, "order.created");
            placeOrder(gone, "G-1");
            Awaitility.await().atMost(WAIT).until(() -> !as(Tokens.admin())
                    .get("/v1/webhooks/{id}", disabled.getString("id")).then().extract().<Boolean> path("enabled"));
            assertTrue(as(Tokens.admin()).get("/v1/webhooks/{id}", disabled.getString("id")).then().extract()
                    .<String> path("disabledReason").contains("410"));
            assertEquals(1, deliveries(disabled.getString("id"), "FAILED").size());
            placeOrder(gone, "G-2");
            Awaitility.await().during(Duration.ofMillis(800)).atMost(WAIT).until(() -> goneReceiver.received().size() == 1);

            AtomicInteger calls = new AtomicInteger();
            busyReceiver.answer(r -> calls.incrementAndGet() == 1 ? new Answer(429, Duration.ZERO, "2")
                    : Answer.status(200));
            subscribe(busy, busyReceiver, "order.created");
            placeOrder(busy, "T-1");
            List<WebhookReceiver.Received> got = busyReceiver.awaitReceived(r -> r.answeredWith() == 200, 1, WAIT);
            Duration waited = Duration.between(busyReceiver.received().get(0).at(), got.get(0).at());
            assertTrue(waited.toMillis() >= 1900, "Retry-After 2 s honoured, waited " + waited.toMillis() + " ms");
        }
    }

    @Test
    void anEndpointFailingLongerThanDisableAfterIsDisabled() {
        Shop shop = Shop.create("wh-stale", 10);
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            receiver.answer(r -> Answer.status(500));
            JsonPath webhook = subscribe(shop, receiver, "order.created");
            // the endpoint has been failing for 6 days already (default disable-after: 5 days)
            Db.exec("UPDATE webhook_subscriptions SET failing_since = now() - interval '6 days' WHERE id = ?::uuid",
                    java.util.UUID.fromString(webhook.getString("id")));
            placeOrder(shop, "D-1");
            Awaitility.await().atMost(WAIT).until(() -> !as(Tokens.admin())
                    .get("/v1/webhooks/{id}", webhook.getString("id")).then().extract().<Boolean> path("enabled"));
            String reason = as(Tokens.admin()).get("/v1/webhooks/{id}", webhook.getString("id")).then().extract()
                    .path("disabledReason");
            assertTrue(reason.startsWith("every attempt failed since"), reason);
            // re-enabling clears the streak and sends what was waiting
            receiver.answer(r -> Answer.status(200));
            as(Tokens.channel(shop.channel())).body(Map.of("enabled", true))
                    .patch("/v1/webhooks/{id}", webhook.getString("id")).then().statusCode(200)
                    .body("disabledReason", org.hamcrest.Matchers.nullValue());
            Awaitility.await().atMost(WAIT).until(() -> deliveries(webhook.getString("id"), "DELIVERED").size() == 1);
            assertFalse(Db.strings("SELECT failing_since::text FROM webhook_subscriptions WHERE id = ?::uuid",
                    java.util.UUID.fromString(webhook.getString("id"))).stream().anyMatch(java.util.Objects::nonNull));
        }
    }
}
