package io.ordo.inbound;

import static io.ordo.support.Api.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;


import org.junit.jupiter.api.Test;

import io.ordo.support.Api;
import io.ordo.support.Db;
import io.ordo.support.Ids;
import io.ordo.support.Tokens;
import io.ordo.support.WebhookReceiver;
import io.ordo.webhook.Signatures;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;

/**
 * Orders pushed by a shop's own webhook to {@code POST /v1/inbound/{channel}/orders}, signed by the test with its own
 * HMAC code: a valid signature places the order (idempotent per webhook-id); a tampered body, another secret or a
 * 10-minute-old timestamp is a 401 and nothing is stored.
 */
@QuarkusTest
class InboundOrderTest {

    record Shop(String channel, String sku, String secret) {
    }

    static Shop shop() {
        String channel = Api.createChannel(Ids.unique("in"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("IN");
        Api.setStock(sku, location, 10);
        String secret = as(Tokens.admin()).post("/v1/channels/{code}/inbound-secret", channel).then().statusCode(200)
                .body("secret", startsWith("whsec_")).extract().path("secret");
        return new Shop(channel, sku, secret);
    }

    static Response send(Shop shop, String id, long timestamp, String signedBody, String sentBody, String secret) {
        String signature = "v1," + WebhookReceiver.sign(secret, id, Long.toString(timestamp), signedBody);
        return given().contentType("application/json").accept("application/json")
                .header("webhook-id", id).header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", signature).body(sentBody)
                .post("/v1/inbound/{channel}/orders", shop.channel());
    }

    static String body(Shop shop, String externalId) {
        return new JsonObject(Api.order(externalId, shop.sku(), 2)).encode();
    }

    @Test
    void aValidSignatureWithoutAnyTokenPlacesTheOrderOnceByWebhookId() {
        Shop shop = shop();
        String order = body(shop, "IN-1");
        long now = Instant.now().getEpochSecond();
        String id = "msg_" + Ids.unique("a");
        String created = send(shop, id, now, order, order, shop.secret()).then().statusCode(201)
                .header("Location", startsWith("/v1/orders/")).body("channel", equalTo(shop.channel()))
                .body("externalId", equalTo("IN-1")).body("status", equalTo("ACCEPTED")).extract().path("id");
        // the shop redelivers (new timestamp and signature, same webhook-id): the first answer, nothing new
        send(shop, id, now + 1, order, order, shop.secret()).then().statusCode(201)
                .header("Idempotent-Replayed", "true").body("id", equalTo(created));
        assertEquals(1, Db.count("SELECT count(*) FROM orders WHERE channel = ?", shop.channel()));
        as(Tokens.channel(shop.channel())).get("/v1/orders/{id}", created).then().statusCode(200)
                .body("lines[0].quantity", equalTo(2));
        Db.assertInvariants();
    }

    @Test
    void aRedeliveryAfterAnInstanceDiedBetweenCommitAndKeyAnswersWithTheOrder() {
        Shop shop = shop();
        String order = body(shop, "IN-CRASH");
        long now = Instant.now().getEpochSecond();
        String id = "msg_" + Ids.unique("c");
        String created = send(shop, id, now, order, order, shop.secret()).then().statusCode(201).extract().path("id");
        // the key as an instance killed after the order's commit, before completing the key, leaves it
        Db.exec("UPDATE idempotency_keys SET state = 'IN_FLIGHT', locked_until = now() - interval '1 second', "
                + "response_status = NULL, response_body = NULL, response_headers = NULL WHERE key = ?", id);
        send(shop, id, now + 1, order, order, shop.secret()).then().statusCode(201)
                .header("Idempotent-Replayed", org.hamcrest.Matchers.nullValue())
                .header("Location", equalTo("/v1/orders/" + created)).body("id", equalTo(created));
        assertEquals(1, Db.count("SELECT count(*) FROM orders WHERE channel = ?", shop.channel()));
        Db.assertInvariants();
    }

    @Test
    void tamperedWrongSecretOrStaleRequestsAre401AndStoreNothing() {
        Shop shop = shop();
        String order = body(shop, "IN-BAD");
        long now = Instant.now().getEpochSecond();
        long keys = Db.count("SELECT count(*) FROM idempotency_keys");

        assert401(send(shop, "msg_1", now, order, order.replace("\"quantity\":2", "\"quantity\":9"), shop.secret()));
        assert401(send(shop, "msg_2", now, order, order, Signatures.newSecret()));
        assert401(send(shop, "msg_3", now - 600, order, order, shop.secret()));
        assert401(send(shop, "msg_4", now + 600, order, order, shop.secret()));
        assert401(given().contentType("application/json").body(order).post("/v1/inbound/{c}/orders", shop.channel()));
        // signed for one channel, sent to another (whose secret differs)
        Shop other = shop();
        String bare = Api.createChannel(Ids.unique("in-bare"));
        String snapshot = Db.snapshot();
        assert401(send(other, "msg_5", now, order, order, shop.secret()));
        // a channel without an inbound secret, and one that does not exist
        assert401(send(new Shop(bare, shop.sku(), null), "msg_6", now, order, order, shop.secret()));
        assert401(send(new Shop("no-such-channel", shop.sku(), null), "msg_7", now, order, order, shop.secret()));

        assertEquals(0, Db.count("SELECT count(*) FROM orders WHERE channel = ?", shop.channel()));
        assertEquals(snapshot, Db.snapshot());
        assertEquals(keys, Db.count("SELECT count(*) FROM idempotency_keys"));
    }

    @Test
    void aSignedButInvalidOrderIsA400AndAnotherChannelIsRefused() {
        Shop shop = shop();
        long now = Instant.now().getEpochSecond();
        String bad = "{\"externalId\":\"X\",\"currency\":\"EUR\",\"lines\":[]}";
        send(shop, "msg_bad", now, bad, bad, shop.secret()).then().statusCode(400)
                .contentType("application/problem+json");
        String broken = "{\"externalId\":";
        send(shop, "msg_broken", now, broken, broken, shop.secret()).then().statusCode(400);
        String otherChannel = new JsonObject(new java.util.HashMap<>(Api.order("IN-X", shop.sku(), 1))).put("channel", "someone-else").encode();
        send(shop, "msg_other", now, otherChannel, otherChannel, shop.secret()).then().statusCode(403);
        assertEquals(0, Db.count("SELECT count(*) FROM orders WHERE channel = ?", shop.channel()));
    }

    @Test
    void aSignedOrderWithTextPostgresCannotStoreIsA400NamingTheField() {
        Shop shop = shop();
        long now = Instant.now().getEpochSecond();
        for (String bad : java.util.List.of("\\u0000", "\\uDFFF")) {
            String order = body(shop, "IN-NUL").replace("Ana Silva", "Ana " + bad);
            send(shop, "msg_nul" + bad.substring(2), now, order, order, shop.secret()).then().statusCode(400)
                    .contentType("application/problem+json").body("errors[0].field", equalTo("customer.name"));
        }
        assertEquals(0, Db.count("SELECT count(*) FROM orders WHERE channel = ?", shop.channel()));
    }

    @Test
    void onlyAnAdminRotatesTheInboundSecretAndTheOldOneWorksDuringTheWindow() {
        Shop shop = shop();
        as(Tokens.channel(shop.channel())).post("/v1/channels/{code}/inbound-secret", shop.channel()).then().statusCode(403);
        as(Tokens.fulfillment()).post("/v1/channels/{code}/inbound-secret", shop.channel()).then().statusCode(403);
        given().post("/v1/channels/{code}/inbound-secret", shop.channel()).then().statusCode(401);
        as(Tokens.admin()).post("/v1/channels/{code}/inbound-secret", "no-such-channel").then().statusCode(404);
        String fresh = as(Tokens.admin()).post("/v1/channels/{code}/inbound-secret", shop.channel()).then()
                .statusCode(200).body("previousSecretExpiresAt", org.hamcrest.Matchers.notNullValue())
                .extract().path("secret");
        long now = Instant.now().getEpochSecond();
        String first = body(shop, "IN-OLD");
        send(shop, "msg_old", now, first, first, shop.secret()).then().statusCode(201);
        String second = body(shop, "IN-NEW");
        send(shop, "msg_new", now, second, second, fresh).then().statusCode(201);
    }

    private static void assert401(Response response) {
        response.then().statusCode(401).contentType("application/problem+json")
                .body("type", equalTo("urn:ordo:problem:unauthorized"));
    }

}
