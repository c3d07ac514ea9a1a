package io.ordo.order;

import static io.ordo.support.Api.asAdmin;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.ordo.support.Api;
import io.ordo.support.Db;
import io.ordo.support.Ids;
import io.ordo.support.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Many clients at once against little stock: never an oversell, never a 5xx, never a deadlock surfacing to a client,
 * and afterwards reserved equals the open allocations everywhere.
 */
@QuarkusTest
class ReservationConcurrencyTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URI base;

    @AfterEach
    void invariantsHold() {
        Db.assertInvariants();
    }

    @Test
    void threeHundredBuyersForOneHundredUnits() {
        String channel = Api.createChannel(Ids.unique("flash"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("HOT");
        Api.setStock(sku, location, 100);

        Map<Integer, Long> statuses = fire(300, channel, i -> Api.order("F-" + i, sku, 1));

        assertEquals(Map.of(201, 100L, 409, 200L), statuses);
        asAdmin().get("/v1/stock/{sku}", sku).then().body("reserved", equalTo(100), "available", equalTo(0));
        assertEquals(100, Db.count("SELECT count(*) FROM orders WHERE channel = ?", channel));
    }

    @Test
    void aHotSkuSplitAcrossTwoLocations() {
        String channel = Api.createChannel(Ids.unique("flash"));
        String near = Api.createLocation(Ids.unique("WH"), 1);
        String far = Api.createLocation(Ids.unique("ST"), 2);
        String sku = Ids.unique("HOT");
        Api.setStock(sku, near, 60);
        Api.setStock(sku, far, 40);

        Map<Integer, Long> statuses = fire(300, channel, i -> Api.order("S-" + i, sku, 1));

        assertEquals(Map.of(201, 100L, 409, 200L), statuses);
        asAdmin().get("/v1/stock/{sku}", sku).then()
                .body("locations[0].reserved", equalTo(60), "locations[1].reserved", equalTo(40));
    }

    @Test
    void multiLineOrdersTouchingTheSameSkusInOppositeOrdersNeverDeadlock() {
        String channel = Api.createChannel(Ids.unique("multi"));
        String first = Api.createLocation(Ids.unique("WH"), 1);
        String second = Api.createLocation(Ids.unique("ST"), 2);
        String a = Ids.unique("A");
        String b = Ids.unique("B");
        String c = Ids.unique("C");
        for (String sku : List.of(a, b, c)) {
            Api.setStock(sku, first, 60);
            Api.setStock(sku, second, 40);
        }

        // every order takes 1 of each of two SKUs, half of them listing the lines in the opposite order
        Map<Integer, Long> statuses = fire(240, channel, i -> switch (i % 6) {
            case 0 -> Api.order("M-" + i, a, 1, b, 1);
            case 1 -> Api.order("M-" + i, b, 1, a, 1);
            case 2 -> Api.order("M-" + i, b, 1, c, 1);
            case 3 -> Api.order("M-" + i, c, 1, b, 1);
            case 4 -> Api.order("M-" + i, c, 1, a, 1);
            default -> Api.order("M-" + i, a, 1, c, 1);
        });

        assertEquals(List.of(201, 409), statuses.keySet().stream().sorted().toList(), "only 201 and 409: " + statuses);
        long accepted = statuses.get(201);
        // 300 units in all, 2 per order: at most 150 orders; each SKU is sold out or nearly
        assertEquals(true, accepted >= 140 && accepted <= 150, "accepted " + accepted);
        long reserved = Db.count("SELECT sum(reserved) FROM stock WHERE sku IN (?, ?, ?)", a, b, c);
        assertEquals(2 * accepted, reserved);
    }

    @Test
    void twentyConcurrentRetriesWithOneIdempotencyKeyPlaceOneOrder() {
        String channel = Api.createChannel(Ids.unique("retry"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("ONCE");
        Api.setStock(sku, location, 50);
        String key = Ids.unique("key");

        List<HttpResponse<String>> responses = send(20, channel, i -> Api.order("ONCE-1", sku, 2), key);

        Map<Integer, Long> statuses = responses.stream()
                .collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
        assertTrue(statuses.keySet().stream().allMatch(s -> s == 201 || s == 409), "only 201 or in-flight 409: " + statuses);
        long fresh = responses.stream().filter(r -> r.statusCode() == 201
                && r.headers().firstValue("Idempotent-Replayed").isEmpty()).count();
        assertEquals(1, fresh, "exactly one request placed the order");
        responses.stream().filter(r -> r.statusCode() == 409).forEach(r -> assertTrue(
                r.body().contains("request-in-flight"), "a 409 here means the first request is still running"));
        assertEquals(1, Db.count("SELECT count(*) FROM orders WHERE channel = ?", channel));
        asAdmin().get("/v1/stock/{sku}", sku).then().body("reserved", equalTo(2));
    }

    private Map<Integer, Long> fire(int count, String channel, IntFunction<Map<String, Object>> body) {
        return send(count, channel, body, null).stream()
                .collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
    }

    private List<HttpResponse<String>> send(int count, String channel, IntFunction<Map<String, Object>> body,
            String idempotencyKey) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String token = Tokens.channel(channel);
        List<CompletableFuture<HttpResponse<String>>> calls = IntStream.range(0, count).mapToObj(i -> {
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/v1/orders"))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body.apply(i))));
                if (idempotencyKey != null) {
                    request.header("Idempotency-Key", idempotencyKey);
                }
                return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        return calls.stream().map(CompletableFuture::join).toList();
    }
}
