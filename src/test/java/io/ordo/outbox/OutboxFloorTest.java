package io.ordo.outbox;

import static io.ordo.support.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.ordo.support.Api;
import io.ordo.support.Db;
import io.ordo.support.Shop;
import io.ordo.support.PostgresTestDatabase;
import io.ordo.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The relay's floor never passes an outbox id whose transaction is still open: an event written early and committed
 * late (after events with higher ids were published, and after the floor's candidate interval) is still relayed,
 * and the floor then moves past it.
 */
@QuarkusTest
class OutboxFloorTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Inject
    OutboxRelay relay;

    @Test
    void anEventCommittedAfterLaterOnesWerePublishedIsStillRelayedAndTheFloorMovesPastIt() throws Exception {
        Shop shop = Shop.create("floor", 100);
        String channel = shop.channel();
        String sku = shop.sku();
        try (Connection early = PostgresTestDatabase.connect(); Statement st = early.createStatement()) {
            early.setAutoCommit(false);
            st.execute("SELECT append_outbox_event('hold', gen_random_uuid(), 1, 'hold.expired', '{}'::jsonb)");
            long held;
            try (ResultSet rs = st.executeQuery("SELECT currval('outbox_id_seq')")) {
                rs.next();
                held = rs.getLong(1);
            }
            String later = placeOrder(channel, sku, "FL-1");
            awaitPublished(later);
            placeOrder(channel, sku, "FL-2");
            Thread.sleep(OutboxFloor.CANDIDATE_EVERY.toMillis() * 3); // rounds enough to settle candidates
            placeOrder(channel, sku, "FL-3");
            awaitPublished(placeOrder(channel, sku, "FL-4"));
            assertTrue(relay.floor() <= held, "floor " + relay.floor() + " passed the open id " + held);

            early.commit();
            Awaitility.await().atMost(WAIT).until(() -> Db.count(
                    "SELECT count(*) FROM outbox WHERE id = ? AND published_at IS NOT NULL", held) == 1);
            for (int i = 5; relay.floor() <= held && i < 40; i++) {
                awaitPublished(placeOrder(channel, sku, "FL-" + i));
                Thread.sleep(300);
            }
            assertTrue(relay.floor() > held, "the floor moves on: " + relay.floor() + " <= " + held);
            assertEquals(0, Db.count("SELECT count(*) FROM outbox WHERE published_at IS NULL AND id < ?",
                    relay.floor()), "nothing unpublished below the floor");
        }
    }

    /**
     * Under concurrent writers (orders over HTTP, and transactions that append an event, wait up to 800 ms and then
     * commit or roll back) the floor moves on, and every committed event is relayed: none is ever left below it.
     */
    @Test
    void underConcurrentWritersSomeSlowSomeRolledBackEveryCommittedEventIsRelayed() throws Exception {
        Shop shop = Shop.create("floorc", 100_000);
        long floorBefore = relay.floor();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        Set<Long> committed = ConcurrentHashMap.newKeySet();
        Set<Long> rolledBack = ConcurrentHashMap.newKeySet();
        AtomicInteger orders = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(12);
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            work.add(threads.submit(() -> {
                for (int i = 0; System.nanoTime() < deadline; i++) {
                    placeOrder(shop.channel(), shop.sku(), "FC-" + thread + "-" + i);
                    orders.incrementAndGet();
                }
                return null;
            }));
        }
        for (int t = 0; t < 4; t++) {
            long seed = t;
            work.add(threads.submit(() -> {
                Random random = new Random(seed);
                while (System.nanoTime() < deadline) {
                    try (Connection c = PostgresTestDatabase.connect(); Statement st = c.createStatement()) {
                        c.setAutoCommit(false);
                        st.execute("SELECT append_outbox_event('hold', gen_random_uuid(), 1, 'hold.expired', '{}'::jsonb)");
                        long id;
                        try (ResultSet rs = st.executeQuery("SELECT currval('outbox_id_seq')")) {
                            rs.next();
                            id = rs.getLong(1);
                        }
                        Thread.sleep(random.nextInt(800));
                        if (random.nextBoolean()) {
                            c.commit();
                            committed.add(id);
                        } else {
                            c.rollback();
                            rolledBack.add(id);
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> done : work) {
            done.get(60, TimeUnit.SECONDS);
        }
        threads.shutdown();

        assertTrue(orders.get() > 50 && committed.size() > 3 && rolledBack.size() > 3,
                orders.get() + " orders, " + committed.size() + " committed, " + rolledBack.size() + " rolled back");
        Awaitility.await().atMost(WAIT).until(() -> Db.count(
                "SELECT count(*) FROM outbox o JOIN orders r ON r.id = o.aggregate_id WHERE r.channel = ? "
                        + "AND o.published_at IS NULL", shop.channel()) == 0);
        String ids = committed.stream().map(String::valueOf).collect(Collectors.joining(","));
        Awaitility.await().atMost(WAIT).until(() -> Db.count(
                "SELECT count(*) FROM outbox WHERE published_at IS NOT NULL AND id IN (" + ids + ")") == committed.size());
        assertEquals(0, Db.count("SELECT count(*) FROM outbox WHERE id IN ("
                + rolledBack.stream().map(String::valueOf).collect(Collectors.joining(",")) + ")"));
        assertTrue(relay.floor() > floorBefore, "the floor moved during the run: " + floorBefore + " -> " + relay.floor());
        assertEquals(0, Db.count("SELECT count(*) FROM outbox WHERE published_at IS NULL AND id < ?", relay.floor()),
                "nothing unpublished below the floor");
        Db.assertInvariants();
    }

    private static String placeOrder(String channel, String sku, String externalId) {
        return as(Tokens.channel(channel)).body(Api.order(externalId, sku, 1)).post("/v1/orders").then()
                .statusCode(201).extract().path("id");
    }

    private static void awaitPublished(String orderId) {
        Awaitility.await().atMost(WAIT).until(() -> Db.count(
                "SELECT count(*) FROM outbox WHERE aggregate_id = ?::uuid AND published_at IS NULL", orderId) == 0);
    }
}
