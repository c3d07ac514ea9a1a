package io.ordo.messaging;

import static io.ordo.support.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.ordo.outbox.OutboxRelay;
import io.ordo.outbox.OutboxSink;
import io.ordo.support.AmqpPeer;
import io.ordo.support.Api;
import io.ordo.support.Db;
import io.ordo.support.Ids;
import io.ordo.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The instance that accepted the orders never relays them (as if it crashed right after answering 201): the events
 * are nonetheless in the database, and a relay started afresh, sharing nothing with that instance but the database,
 * publishes every one of them, in order per order.
 */
@QuarkusTest
@TestProfile(OutboxCrashRecoveryTest.RelayNeverRuns.class)
class OutboxCrashRecoveryTest {

    public static class RelayNeverRuns implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ordo.outbox.relay-enabled", "false");
        }
    }

    @Inject
    Pool pool;
    @Inject
    Vertx vertx;
    @Inject
    Instance<OutboxSink> sinks;
    @Inject
    MeterRegistry registry;

    @Test
    void acceptedOrdersAreAnnouncedByTheNextRelayToRun() {
        String channel = Api.createChannel(Ids.unique("crash"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("CR");
        Api.setStock(sku, location, 100);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String id = as(Tokens.channel(channel)).body(Api.order("CR-" + i, sku, 1)).post("/v1/orders")
                    .then().statusCode(201).extract().path("id");
            as(Tokens.fulfillment()).body(Map.of("status", "PROCESSING")).post("/v1/orders/{id}/status", id)
                    .then().statusCode(200);
            ids.add(id);
        }
        assertEquals(20, Db.count("SELECT count(*) FROM outbox o JOIN orders r ON r.id = o.aggregate_id "
                + "WHERE r.channel = ? AND o.published_at IS NULL", channel));

        try (AmqpPeer events = AmqpPeer.consuming("ordo.order-events")) {
            OutboxRelay restarted = new OutboxRelay(pool, vertx, sinks, registry, 7, Duration.ofMillis(100),
                    Duration.ofSeconds(10), Duration.ofDays(7), true);
            restarted.drain().subscribeAsCompletionStage().join();

            Set<String> mine = Set.copyOf(ids);
            List<AmqpPeer.Received> received = events.awaitMatching(
                    m -> mine.contains((String) m.property("cloudEvents:subject")), 20, Duration.ofSeconds(30));
            for (String id : ids) {
                assertEquals(List.of(1, 2), received.stream()
                        .filter(m -> id.equals(m.property("cloudEvents:subject")))
                        .map(m -> ((Number) m.property("cloudEvents:ordosequence")).intValue()).toList(), id);
            }
        }
        assertEquals(0, Db.count("SELECT count(*) FROM outbox o JOIN orders r ON r.id = o.aggregate_id "
                + "WHERE r.channel = ? AND o.published_at IS NULL", channel));
    }
}
