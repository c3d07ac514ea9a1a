package io.ordo.ops;

import static io.ordo.support.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.ordo.inventory.BackorderAnnouncer;
import io.ordo.inventory.HoldExpirySweeper;
import io.ordo.inventory.HoldRepository;
import io.ordo.inventory.HoldsConfig;
import io.ordo.outbox.OutboxRelay;
import io.ordo.outbox.OutboxSink;
import io.ordo.support.AmqpPeer;
import io.ordo.support.ArtemisTestBroker;
import io.ordo.support.Api;
import io.ordo.support.Db;
import io.ordo.support.Shop;
import io.ordo.support.Tokens;
import io.ordo.support.WebhookReceiver;
import io.ordo.webhook.DeliveryStore;
import io.ordo.webhook.DeliveryWorker;
import io.ordo.webhook.WebhookUrlGuard;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Scale to zero, simulated: this instance runs none of its own timers (no relay, no delivery worker, no scheduler),
 * as if no pod were running. A hold falls due, an event waits unpublished, a delivery waits due; only the external
 * tick moves them, and three ticks at once do each item once.
 */
@QuarkusTest
@TestProfile(ScaleToZeroDrillTest.NoTimers.class)
class ScaleToZeroDrillTest {

    public static class NoTimers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.scheduler.enabled", "false", "ordo.outbox.relay-enabled", "false",
                    "ordo.webhooks.workers-enabled", "false");
        }
    }

    static String opsToken() {
        return Tokens.forRoles("scheduler", Set.of("ordo-ops"), null);
    }

    @Test
    void threeTicksAtOnceDoEachDueItemOnceAndNothingMovesWithoutThem() throws Exception {
        Shop shop = Shop.create("zero", 10);
        String channel = shop.channel();
        String sku = shop.sku();
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            JsonPath webhook = Shop.subscribe(shop, receiver, "order.created", "hold.expired");

            // a delivery due: an event relayed by an earlier tick, whose first attempt failed (a retry is due)
            receiver.answer(r -> WebhookReceiver.Answer.status(500));
            String first = as(Tokens.channel(channel)).body(Api.order("Z-1", sku, 1)).post("/v1/orders")
                    .then().statusCode(201).extract().path("id");
            tick(opsToken());
            assertEquals(1, receiver.received().size());
            assertEquals(1, Db.count("SELECT count(*) FROM webhook_deliveries WHERE subscription_id = ?::uuid "
                    + "AND status = 'PENDING' AND attempts = 1", webhook.getString("id")));
            receiver.answer(r -> WebhookReceiver.Answer.status(204));

            // a hold that falls due and an event not yet relayed
            String hold = as(Tokens.channel(channel))
                    .body(Map.of("lines", List.of(Map.of("sku", sku, "quantity", 3)), "ttlSeconds", 1))
                    .post("/v1/holds").then().statusCode(201).extract().path("id");
            String second = as(Tokens.channel(channel)).body(Api.order("Z-2", sku, 1)).post("/v1/orders")
                    .then().statusCode(201).extract().path("id");
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> Db.count("SELECT count(*) FROM holds WHERE id = ?::uuid AND expires_at <= now()", hold) == 1);
            Thread.sleep(1500); // nothing runs by itself: still ACTIVE, still unpublished, still not sent
            assertEquals("ACTIVE", Db.strings("SELECT status FROM holds WHERE id = ?::uuid", hold).get(0));
            assertEquals(1, Db.count("SELECT count(*) FROM outbox WHERE aggregate_id = ?::uuid AND published_at IS NULL",
                    second));
            assertEquals(1, receiver.received().size());
            assertEquals(5, Db.count("SELECT sum(reserved) FROM stock WHERE sku = ?", sku));

            JsonPath due = as(opsToken()).get("/v1/ops/due").then().statusCode(200).extract().jsonPath();
            assertTrue(due.getLong("due.'hold-expiry'") >= 1, due.prettify());
            assertTrue(due.getLong("due.'outbox-relay'") >= 1, due.prettify());
            assertTrue(due.getLong("due.'webhook-deliveries'") >= 1, due.prettify());
            assertEquals(Db.count("SELECT outbox_due_count()"), due.getLong("due.'outbox-relay'"));
            assertEquals(due.getLong("due.'hold-expiry'") + due.getLong("due.'outbox-relay'")
                    + due.getLong("due.'webhook-deliveries'"), due.getLong("total"));

            List<JsonPath> rounds = ticksAtOnce(3);
            for (JsonPath round : rounds) {
                assertTrue(round.getBoolean("complete"), round.prettify());
                assertEquals(List.of("hold-expiry", "backorder-announcements", "availability-feed", "outbox-relay",
                        "webhook-deliveries", "idempotency-purge", "outbox-purge", "webhook-delivery-purge"),
                        round.getList("duties.duty"));
            }

            // the hold expired once: its units back, one hold.expired event
            assertEquals("EXPIRED", Db.strings("SELECT status FROM holds WHERE id = ?::uuid", hold).get(0));
            assertEquals(2, Db.count("SELECT sum(reserved) FROM stock WHERE sku = ?", sku));
            assertEquals(1, Db.count("SELECT count(*) FROM outbox WHERE aggregate_id = ?::uuid AND type = 'hold.expired'", hold));
            // every event published, on AMQP once each
            assertEquals(0, Db.count("SELECT count(*) FROM outbox WHERE aggregate_id IN (?::uuid, ?::uuid, ?::uuid) "
                    + "AND published_at IS NULL", first, second, hold));
            Set<String> mine = Set.of(second, hold);
            List<AmqpPeer.Received> published = AmqpPeer.orderEvents().awaitMatching(
                    m -> mine.contains((String) m.property("cloudEvents:subject")), 2, Duration.ofSeconds(10));
            Thread.sleep(500);
            assertEquals(2, AmqpPeer.orderEvents()
                    .matching(m -> mine.contains((String) m.property("cloudEvents:subject"))).size(), published.toString());
            // every delivery sent once: the one that was due, and those of the two new events
            List<WebhookReceiver.Received> got = receiver.received();
            assertEquals(4, got.size(), got.toString()); // the failed first attempt, then one of each
            assertEquals(3, got.stream().map(WebhookReceiver.Received::id).distinct().count());
            assertTrue(got.stream().allMatch(WebhookReceiver.Received::signatureValid));
            assertEquals(3, Db.count("SELECT count(*) FROM webhook_deliveries WHERE subscription_id = ?::uuid "
                    + "AND status = 'DELIVERED'", webhook.getString("id")));
            assertEquals(List.of("1", "1", "2"), Db.strings("SELECT attempts::text FROM webhook_deliveries "
                    + "WHERE subscription_id = ?::uuid ORDER BY attempts", webhook.getString("id")));
            assertEquals(0, Db.count("SELECT count(*) FROM holds WHERE id = ?::uuid AND status = 'ACTIVE'", hold));
        }
        Db.assertInvariants();
    }

    @Inject
    Pool pool;
    @Inject
    Vertx vertx;
    @Inject
    Instance<OutboxSink> sinks;
    @Inject
    MeterRegistry registry;
    @Inject
    DeliveryStore deliveries;
    @Inject
    HoldRepository holds;
    @Inject
    HoldsConfig holdsConfig;
    @Inject
    BackorderAnnouncer backorders;

    /**
     * Three instances' rounds at once: this instance's tick over HTTP and two other instances' duties, each with its
     * own relay (its own floor), delivery round and sweeper, sharing nothing but the database.
     */
    @Test
    void threeInstancesRunningTheRoundAtOnceDoEachItemOnce() throws Exception {
        Shop shop = Shop.create("zero3", 1000);
        String channel = shop.channel();
        String sku = shop.sku();
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            JsonPath webhook = Shop.subscribe(shop, receiver, "order.created", "hold.expired");
            for (int i = 0; i < 30; i++) {
                as(Tokens.channel(channel))
                        .body(Map.of("lines", List.of(Map.of("sku", sku, "quantity", 2)), "ttlSeconds", 1))
                        .post("/v1/holds").then().statusCode(201);
            }
            for (int i = 0; i < 60; i++) {
                as(Tokens.channel(channel)).body(Api.order("Z3-" + i, sku, 1)).post("/v1/orders").then().statusCode(201);
            }
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Db.count(
                    "SELECT count(*) FROM holds WHERE channel = ? AND expires_at > now()", channel) == 0);

            List<Callable<Integer>> instances = List.of(
                    () -> tick(opsToken()).getList("duties.done", Integer.class).stream().mapToInt(i -> i).sum(),
                    otherInstance(), otherInstance());
            ExecutorService threads = Executors.newFixedThreadPool(instances.size());
            try {
                for (Future<Integer> round : threads.invokeAll(instances)) {
                    round.get(60, TimeUnit.SECONDS);
                }
            } finally {
                threads.shutdownNow();
            }

            assertEquals(30, Db.count("SELECT count(*) FROM holds WHERE channel = ? AND status = 'EXPIRED'", channel));
            assertEquals(30, Db.count("SELECT count(*) FROM outbox o JOIN holds h ON h.id = o.aggregate_id "
                    + "WHERE h.channel = ? AND o.type = 'hold.expired'", channel), "each hold expired once");
            assertEquals(60, Db.count("SELECT sum(reserved) FROM stock WHERE sku = ?", sku));
            assertEquals(0, Db.count("SELECT count(*) FROM outbox o WHERE o.published_at IS NULL AND (o.aggregate_id IN "
                    + "(SELECT id FROM orders WHERE channel = ?) OR o.aggregate_id IN (SELECT id FROM holds WHERE channel = ?))",
                    channel, channel));
            List<WebhookReceiver.Received> got = receiver.received();
            assertEquals(90, got.size(), "60 orders and 30 holds, each delivered once");
            assertEquals(90, got.stream().map(WebhookReceiver.Received::id).distinct().count());
            assertTrue(got.stream().allMatch(WebhookReceiver.Received::signatureValid));
            assertEquals(0, Db.count("SELECT count(*) FROM webhook_deliveries WHERE subscription_id = ?::uuid "
                    + "AND (status <> 'DELIVERED' OR attempts <> 1)", webhook.getString("id")));
        }
        Db.assertInvariants();
    }

    /** Another instance's round: its own sweeper, relay and delivery round, run as the tick runs them. */
    private Callable<Integer> otherInstance() {
        OutboxRelay relay = new OutboxRelay(pool, vertx, sinks, registry, 500, Duration.ofMillis(100),
                Duration.ofSeconds(10), Duration.ofDays(7), false);
        DeliveryWorker worker = new DeliveryWorker(deliveries, vertx, new WebhookUrlGuard(true, true), registry,
                new DeliveryWorker.Settings(false, Duration.ofMillis(100), 200, 128, 64, Duration.ofSeconds(2),
                        List.of(Duration.ofMillis(200)), Duration.ofDays(5), Duration.ofDays(7)),
                Clock.systemUTC());
        HoldExpirySweeper sweeper = new HoldExpirySweeper(holds, holdsConfig, registry, backorders);
        return () -> {
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            return sweeper.sweepUntil(deadline)
                    .chain(expired -> relay.drainAll(deadline).map(relayed -> expired + relayed))
                    .chain(done -> worker.deliverDue(deadline).map(sent -> done + sent))
                    .subscribeAsCompletionStage().get(60, TimeUnit.SECONDS);
        };
    }

    @Test
    void aTickWhileTheBrokerIsAwayAnswers503NamesTheDutyAndLeavesTheEventDue() throws Exception {
        Shop shop = Shop.create("zerob", 10);
        String channel = shop.channel();
        String sku = shop.sku();
        tick(opsToken()); // nothing of anyone else's left to relay
        String order = as(Tokens.channel(channel)).body(Api.order("ZB-1", sku, 1)).post("/v1/orders")
                .then().statusCode(201).extract().path("id");
        AmqpPeer.orderEvents().disconnect(); // the test's consumer reconnects at its next await
        ArtemisTestBroker.stopBroker();
        try {
            JsonPath round = as(opsToken()).post("/v1/ops/tick").then().statusCode(503).extract().jsonPath();
            assertEquals(false, round.getBoolean("complete"), round.prettify());
            assertTrue(round.getString("duties.find { it.duty == 'outbox-relay' }.error") != null, round.prettify());
            assertEquals(null, round.getString("duties.find { it.duty == 'hold-expiry' }.error"),
                    "the other duties still ran");
            assertEquals(1, Db.count("SELECT count(*) FROM outbox WHERE aggregate_id = ?::uuid AND published_at IS NULL",
                    order), "the event stays due");
        } finally {
            ArtemisTestBroker.restart();
        }
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> as(opsToken()).post("/v1/ops/tick").statusCode() == 200);
        assertEquals(0, Db.count("SELECT count(*) FROM outbox WHERE aggregate_id = ?::uuid AND published_at IS NULL",
                order));
    }

    @Test
    void theTickNeedsTheOpsOrAdminRoleAndTheOpsRoleNothingElse() {
        as("not-a-token").post("/v1/ops/tick").then().statusCode(401);
        as(Tokens.channel("web")).post("/v1/ops/tick").then().statusCode(403);
        as(Tokens.fulfillment()).get("/v1/ops/due").then().statusCode(403);
        as(Tokens.admin()).get("/v1/ops/due").then().statusCode(200);
        as(opsToken()).get("/v1/orders").then().statusCode(403);
        as(opsToken()).get("/v1/stock/ANY").then().statusCode(403);
    }

    private static JsonPath tick(String token) {
        return as(token).post("/v1/ops/tick").then().statusCode(200).extract().jsonPath();
    }

    private static List<JsonPath> ticksAtOnce(int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<JsonPath>> ticks = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ticks.add(pool.submit(() -> {
                    start.await();
                    return tick(opsToken());
                }));
            }
            start.countDown();
            List<JsonPath> rounds = new ArrayList<>();
            for (Future<JsonPath> tick : ticks) {
                rounds.add(tick.get());
            }
            return rounds;
        } finally {
            pool.shutdownNow();
        }
    }
}
