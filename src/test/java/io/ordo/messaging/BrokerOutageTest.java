package io.ordo.messaging;

import static io.ordo.support.Api.as;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.ordo.support.AmqpPeer;
import io.ordo.support.Api;
import io.ordo.support.ArtemisTestBroker;
import io.ordo.support.Db;
import io.ordo.support.Ids;
import io.ordo.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * A broker outage under load (orders placed over REST throughout, so the relay keeps trying to publish): liveness
 * and readiness stay UP and answer fast, the {@code ordo.orders.in} receiver re-attaches (one consumer), messages are
 * consumed afterwards; and the broker's connection count returns to what it was before.
 */
@QuarkusTest
class BrokerOutageTest {
    static final String ORDERS_IN = "ordo.orders.in";
    static final Duration OUTAGE = Duration.ofSeconds(12);

    @Test
    void anOutageUnderLoadLeavesProbesUpAndEveryLinkBack() throws Exception {
        drill(false);
    }

    /**
     * Issue 20 item 3: after an outage under load the broker's connection count returns to its steady value (the
     * connector's order-events channel used to leave one connection per retried send behind; the events now go
     * through OrderEventsLink, one connection).
     */
    @Test
    void anOutageUnderLoadLeavesNoExtraConnections() throws Exception {
        drill(true);
    }

    private void drill(boolean checkConnections) throws Exception {
        String channel = Api.createChannel(Ids.unique("drill"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("DRL");
        Api.setStock(sku, location, 100_000);
        String token = Tokens.channel(channel);

        // steady state: every link in use (an order, hence an event; an AMQP order; a dead letter)
        AmqpPeer.orderEvents().disconnect();
        as(token).body(Api.order("pre-1", sku, 1)).post("/v1/orders").then().statusCode(201);
        AmqpPeer.send(ORDERS_IN, Ids.unique("pre"), AmqpOrderIntakeTest.body(channel, "pre-amqp", sku, 1));
        AmqpPeer.send(ORDERS_IN, Ids.unique("pre"), "{\"channel\": \"" + channel + "\"}");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Db.count(
                "SELECT count(*) FROM orders WHERE channel = ? AND external_id = 'pre-amqp'", channel) == 1);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Db.count("SELECT count(*) FROM outbox o JOIN orders r"
                + " ON r.id = o.aggregate_id WHERE r.channel = ? AND o.published_at IS NULL", channel) == 0);
        assertEquals(1, ArtemisTestBroker.consumerCount(ORDERS_IN), "one receiver, one consumer");
        int steady = ArtemisTestBroker.connectionCount();

        ExecutorService load = Executors.newFixedThreadPool(4);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger placed = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            load.submit(() -> {
                for (int i = 0; running.get(); i++) {
                    int status = as(token).body(Api.order("load-" + thread + "-" + i, sku, 1)).post("/v1/orders").statusCode();
                    if (status == 201) {
                        placed.incrementAndGet();
                    } else {
                        failures.add("order " + status);
                    }
                }
            });
        }
        List<Long> probeMillis = new ArrayList<>();
        try {
            Thread.sleep(1000);
            ArtemisTestBroker.stopBroker();
            long end = System.nanoTime() + OUTAGE.toNanos();
            while (System.nanoTime() < end) {
                probe("/q/health/live", probeMillis, failures);
                probe("/q/health/ready", probeMillis, failures);
                Thread.sleep(250);
            }
            // the broker links are reported, as wellness only
            assertEquals(503, given().get("/q/health/well").statusCode());
        } finally {
            ArtemisTestBroker.restart();
        }
        long recovered = System.nanoTime();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
                probe("/q/health/live", probeMillis, failures);
                probe("/q/health/ready", probeMillis, failures);
                return ArtemisTestBroker.consumerCount(ORDERS_IN) == 1 && given().get("/q/health/well").statusCode() == 200;
            });
            System.out.printf("broker outage drill: receiver re-attached and links UP %d ms after the broker returned%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - recovered));
            Thread.sleep(3000); // the load goes on with the broker back
        } finally {
            running.set(false);
            load.shutdown();
            assertTrue(load.awaitTermination(30, TimeUnit.SECONDS));
        }

        // everything placed during and after the outage is published; AMQP orders are consumed again
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> Db.count("SELECT count(*) FROM outbox o JOIN orders r"
                + " ON r.id = o.aggregate_id WHERE r.channel = ? AND o.published_at IS NULL", channel) == 0);
        for (int i = 0; i < 20; i++) {
            AmqpPeer.send(ORDERS_IN, Ids.unique("post"), AmqpOrderIntakeTest.body(channel, "post-amqp-" + i, sku, 1));
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Db.count(
                "SELECT count(*) FROM orders WHERE channel = ? AND external_id LIKE 'post-amqp-%'", channel) == 20);
        assertEquals(1, ArtemisTestBroker.consumerCount(ORDERS_IN), "still exactly one consumer");

        if (checkConnections) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(() -> ArtemisTestBroker.connectionCount() <= steady);
        }
        int after = ArtemisTestBroker.connectionCount();
        long slowest = probeMillis.stream().mapToLong(Long::longValue).max().orElse(0);
        System.out.printf("broker outage drill: %d orders placed under load, %d probes, slowest %d ms, connections %d before"
                + " and %d after%n", placed.get(), probeMillis.size(), slowest, steady, after);
        assertTrue(failures.isEmpty(), "no failed request or probe: " + failures);
        assertTrue(placed.get() > 0);
        assertTrue(slowest < 1000, "every probe answered within 1 s: slowest " + slowest + " ms");
        Db.assertInvariants();
    }

    private static void probe(String path, List<Long> millis, ConcurrentLinkedQueue<String> failures) {
        long start = System.nanoTime();
        Response response = given().get(path);
        millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        if (response.statusCode() != 200) {
            failures.add(path + " " + response.statusCode() + " " + response.asString());
        }
    }
}
