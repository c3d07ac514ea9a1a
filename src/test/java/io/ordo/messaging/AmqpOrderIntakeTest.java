package io.ordo.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.ordo.support.AmqpPeer;
import io.ordo.support.Api;
import io.ordo.support.Db;
import io.ordo.support.Ids;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/** Orders over AMQP: the same intake as REST, the message id as idempotency key, refusals dead-lettered. */
@QuarkusTest
class AmqpOrderIntakeTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aMessageBecomesAnOrderOnceAndBadMessagesAreDeadLetteredWithoutStoppingTheConsumer() {
        String channel = Api.createChannel(Ids.unique("amqp"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("AM");
        Api.setStock(sku, location, 10);
        try (AmqpPeer dead = AmqpPeer.consuming("ordo.orders.in.dead")) {
            String messageId = Ids.unique("msg");
            AmqpPeer.send("ordo.orders.in", messageId, body(channel, "AM-1", sku, 2));
            AmqpPeer.send("ordo.orders.in", messageId, body(channel, "AM-1", sku, 2));
            AmqpPeer.send("ordo.orders.in", Ids.unique("msg"), "{\"channel\": \"" + channel + "\", \"oops\": ");
            AmqpPeer.send("ordo.orders.in", Ids.unique("msg"), "{\"channel\": \"" + channel + "\", \"externalId\": 5}");
            AmqpPeer.send("ordo.orders.in", Ids.unique("msg"), body(channel, "AM-2", sku, 1));

            Awaitility.await().atMost(WAIT).until(() -> Db.count(
                    "SELECT count(*) FROM orders WHERE channel = ? AND external_id = 'AM-2'", channel) == 1);
            assertEquals(1, Db.count("SELECT count(*) FROM orders WHERE channel = ? AND external_id = 'AM-1'", channel));
            assertEquals(3, Db.count("SELECT sum(reserved) FROM stock WHERE sku = ?", sku));

            List<AmqpPeer.Received> letters = dead.awaitMatching(m -> m.body().contains(channel), 2, WAIT);
            assertTrue(letters.stream().allMatch(m -> m.property("ordo-reason") != null));
            assertTrue(letters.stream().anyMatch(m -> new JsonObject(m.body()).getString("reason").contains("externalId")),
                    "the reason names the bad field");
        }
    }

    /**
     * A client's mistake over AMQP is final: text PostgreSQL cannot store (NUL, a lone surrogate) and a total the
     * money columns cannot hold are refused when the body is read, dead-lettered once with the field in the reason,
     * never redelivered as if the failure were temporary, and the consumer goes on.
     */
    @Test
    void unstorableTextAndOverflowingTotalsAreDeadLetteredOnceWithTheField() {
        String channel = Api.createChannel(Ids.unique("amqp"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("AMNUL");
        Api.setStock(sku, location, 10);
        try (AmqpPeer dead = AmqpPeer.consuming("ordo.orders.in.dead")) {
            String nul = Ids.unique("msg-nul");
            String surrogate = Ids.unique("msg-sur");
            String overflow = Ids.unique("msg-big");
            AmqpPeer.send("ordo.orders.in", nul, body(channel, "NUL-1", sku, 1).replace("Ana Silva", "Ana \\u0000"));
            AmqpPeer.send("ordo.orders.in", surrogate, body(channel, "SUR-1", sku, 1).replace("Ana Silva", "Ana \\uD800"));
            AmqpPeer.send("ordo.orders.in", overflow, body(channel, "BIG-1", sku, 1000)
                    .replace("\"10.00\"", "\"999999999999\""));
            AmqpPeer.send("ordo.orders.in", Ids.unique("msg"), body(channel, "OK-1", sku, 1));

            Awaitility.await().atMost(WAIT).until(() -> Db.count(
                    "SELECT count(*) FROM orders WHERE channel = ? AND external_id = 'OK-1'", channel) == 1);
            List<AmqpPeer.Received> letters = dead.awaitMatching(m -> m.body().contains(channel), 3, WAIT);
            assertEquals(1, letters.stream().filter(m -> nul.equals(m.property("ordo-original-message-id"))).count());
            assertTrue(reason(letters, nul).contains("customer.name"), reason(letters, nul));
            assertTrue(reason(letters, surrogate).contains("customer.name"), reason(letters, surrogate));
            assertTrue(reason(letters, overflow).contains("lines[0]"), reason(letters, overflow));
            assertEquals(1, Db.count("SELECT count(*) FROM orders WHERE channel = ?", channel));
            // nothing came back for another try: still exactly one letter per refused message
            Awaitility.await().pollDelay(Duration.ofSeconds(2)).atMost(WAIT).until(() -> true);
            assertEquals(3, dead.matching(m -> m.body().contains(channel)).size());
            Db.assertInvariants();
        }
    }

    private static String reason(List<AmqpPeer.Received> letters, String messageId) {
        return letters.stream().filter(m -> messageId.equals(m.property("ordo-original-message-id")))
                .map(m -> String.valueOf(m.property("ordo-reason"))).findFirst().orElse("no letter for " + messageId);
    }

    @Test
    void aThousandJsonMessagesThatAreNotJsonAreDeadLetteredWithTheirReasonAndTheNextOrderIsPlaced() {
        String channel = Api.createChannel(Ids.unique("amqp"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("RAW");
        Api.setStock(sku, location, 10);
        try (AmqpPeer dead = AmqpPeer.consuming("ordo.orders.in.dead")) {
            List<AmqpPeer.Outgoing> broken = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                broken.add(new AmqpPeer.Outgoing(Ids.unique("raw"),
                        ("{\"channel\": \"" + channel + "\", \"broken\": " + i + ",").getBytes(StandardCharsets.UTF_8)));
            }
            AmqpPeer.sendData("ordo.orders.in", broken);
            AmqpPeer.sendData("ordo.orders.in", List.of(new AmqpPeer.Outgoing(Ids.unique("raw"),
                    body(channel, "RAW-1", sku, 2).getBytes(StandardCharsets.UTF_8))));

            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> Db.count(
                    "SELECT count(*) FROM orders WHERE channel = ? AND external_id = 'RAW-1'", channel) == 1);
            assertEquals(2, Db.count("SELECT sum(reserved) FROM stock WHERE sku = ?", sku));
            List<AmqpPeer.Received> letters = dead.awaitMatching(m -> m.body().contains(channel), 1000,
                    Duration.ofSeconds(60));
            assertEquals(1000, letters.size());
            assertTrue(letters.stream().allMatch(m -> String.valueOf(m.property("ordo-reason")).contains("not valid JSON")),
                    "every letter says why: " + letters.get(0).properties());
            assertEquals(broken.stream().map(AmqpPeer.Outgoing::messageId).collect(Collectors.toSet()),
                    letters.stream().map(m -> String.valueOf(m.property("ordo-original-message-id")))
                            .collect(Collectors.toSet()));
        }
        Db.assertInvariants();
    }

    @Test
    void aMessageWithAValueTheDatabaseCannotStoreIsDeadLetteredOnceNotRedelivered() {
        String channel = Api.createChannel(Ids.unique("amqp"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("NU");
        Api.setStock(sku, location, 10);
        try (AmqpPeer dead = AmqpPeer.consuming("ordo.orders.in.dead")) {
            JsonObject nul = new JsonObject(body(channel, "NU-1", sku, 1));
            nul.getJsonObject("customer").put("name", "Ana\u0000Silva");
            String nulId = Ids.unique("nul");
            AmqpPeer.send("ordo.orders.in", nulId, nul.encode());
            AmqpPeer.send("ordo.orders.in", Ids.unique("msg"), body(channel, "NU-2", sku, 2));

            Awaitility.await().atMost(WAIT).until(() -> Db.count(
                    "SELECT count(*) FROM orders WHERE channel = ? AND external_id = 'NU-2'", channel) == 1);
            List<AmqpPeer.Received> letters = dead.awaitMatching(
                    m -> nulId.equals(m.property("ordo-original-message-id")), 1, WAIT);
            assertTrue(letters.get(0).property("ordo-reason") != null);
            Awaitility.await().pollDelay(Duration.ofSeconds(2)).atMost(WAIT).until(() -> true);
            assertEquals(1, dead.matching(m -> nulId.equals(m.property("ordo-original-message-id"))).size(),
                    "a client's mistake is dead-lettered once, never redelivered");
            assertEquals(0, Db.count("SELECT count(*) FROM orders WHERE channel = ? AND external_id = 'NU-1'", channel));
        }
        Db.assertInvariants();
    }

    @Test
    void aShortageIsAFinalAnswerAnnouncedAsOrderRejected() {
        String channel = Api.createChannel(Ids.unique("amqp"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("SHORT");
        Api.setStock(sku, location, 1);
        String messageId = Ids.unique("msg");
        AmqpPeer.send("ordo.orders.in", messageId, body(channel, "SH-1", sku, 5));

        List<AmqpPeer.Received> rejected = AmqpPeer.orderEvents().awaitMatching(
                m -> "io.ordo.order.rejected".equals(m.property("cloudEvents:type")) && m.body().contains(messageId), 1, WAIT);
        JsonObject data = rejected.get(0).json();
        assertEquals(channel, data.getString("channel"));
        assertEquals("SH-1", data.getString("externalId"));
        assertEquals(1, data.getJsonArray("shortages").getJsonObject(0).getInteger("available"));
        assertEquals(0, Db.count("SELECT count(*) FROM orders WHERE channel = ?", channel));
        assertEquals(0, Db.count("SELECT reserved FROM stock WHERE sku = ?", sku));
    }

    @Test
    void aBackorderSkuOverAmqpIsAcceptedWithItsUnitsBackorderedNotRejected() {
        String channel = Api.createChannel(Ids.unique("amqp"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("BACK");
        Api.setStock(sku, location, 1);
        Api.asAdmin().body(java.util.Map.of("inventoryPolicy", "BACKORDER", "limit", 10))
                .put("/v1/skus/{sku}/policy", sku).then().statusCode(200);
        AmqpPeer.send("ordo.orders.in", Ids.unique("msg"), body(channel, "BO-1", sku, 4));

        org.awaitility.Awaitility.await().atMost(WAIT)
                .until(() -> Db.count("SELECT count(*) FROM orders WHERE channel = ?", channel) == 1);
        assertEquals(3, Db.count("SELECT quantity FROM backorders b JOIN orders o ON o.id = b.owner_id WHERE o.channel = ?",
                channel));
        assertEquals(1, Db.count("SELECT reserved FROM stock WHERE sku = ?", sku));
        assertEquals(0, Db.count("SELECT count(*) FROM outbox WHERE type = 'order.rejected' AND payload ->> 'channel' = ?",
                channel));
    }

    static String body(String channel, String externalId, String sku, int quantity) {
        return new JsonObject(new java.util.HashMap<>(Api.order(externalId, sku, quantity))).put("channel", channel).encode();
    }
}
