package io.ordo.routing;

import static io.ordo.support.Api.asAdmin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.ordo.support.Api;
import io.ordo.support.Db;
import io.ordo.support.Ids;
import io.ordo.support.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The routing rules under contention (issue 15): 300 concurrent two-line orders over three SKUs and five locations
 * in two countries, with [SAME_COUNTRY, FEWEST_SHIPMENTS, PRIORITY] and without splits on another channel, then
 * reroutes racing intake. Nothing is oversold, no request deadlocks or fails with a 5xx, every accepted order has
 * every unit reserved (or waiting, for the backorder SKU), and the invariants hold.
 */
@QuarkusTest
class RoutingConcurrencyTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URI base;

    @AfterEach
    void invariantsHold() {
        Db.assertInvariants();
    }

    @Test
    void threeHundredOrdersUnderTheRulesOversellNothing() throws Exception {
        String tag = Ids.unique("RC");
        List<String> locations = List.of(
                RoutingTest.location(tag + "-PT1", 1, "PT", RoutingTest.LISBON),
                RoutingTest.location(tag + "-PT2", 2, "PT", RoutingTest.PORTO),
                RoutingTest.location(tag + "-ES1", 3, "ES", RoutingTest.MADRID),
                RoutingTest.location(tag + "-ES2", 4, "ES", null),
                RoutingTest.location(tag + "-FR1", 5, "FR", null));
        List<String> skus = List.of(tag + "-A", tag + "-B", tag + "-C");
        for (String location : locations) {
            for (String sku : skus) {
                Api.setStock(sku, location, 40);
            }
        }
        asAdmin().body(Map.of("inventoryPolicy", "BACKORDER", "limit", 200)).put("/v1/skus/{sku}/policy", skus.get(2))
                .then().statusCode(200);
        String split = Api.createChannel(Ids.unique("rc"));
        String whole = Api.createChannel(Ids.unique("rc"));
        RoutingTest.routing(split, List.of("SAME_COUNTRY", "FEWEST_SHIPMENTS", "PRIORITY"), true);
        RoutingTest.routing(whole, List.of("NEAREST", "SAME_COUNTRY", "PRIORITY"), false);

        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        String[] countries = { "PT", "ES", "FR", "DE" };
        for (int i = 0; i < 300; i++) {
            String channel = i % 3 == 0 ? whole : split;
            String first = skus.get(i % 3);
            String second = skus.get((i + 1) % 3);
            Map<String, Object> body = RoutingTest.order("C-" + i, countries[i % 4], i % 2 == 0 ? RoutingTest.PORTO : null,
                    first, 1 + i % 4, second, 1 + i % 3);
            calls.add(client.sendAsync(HttpRequest.newBuilder(base.resolve("/v1/orders"))
                    .header("Authorization", "Bearer " + Tokens.channel(channel)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            answers.add(call.get());
        }
        Map<Integer, Long> statuses = answers.stream()
                .collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
        assertTrue(statuses.keySet().stream().allMatch(s -> s == 201 || s == 409), "only 201 and 409: " + statuses);
        assertTrue(statuses.getOrDefault(201, 0L) > 100, "most orders fit: " + statuses);
        for (HttpResponse<String> answer : answers) {
            if (answer.statusCode() != 201) {
                continue;
            }
            JsonNode order = JSON.readTree(answer.body());
            for (JsonNode line : order.get("lines")) {
                int units = line.get("backordered").asInt();
                for (JsonNode a : line.get("allocations")) {
                    units += a.get("quantity").asInt();
                    assertTrue(a.at("/reason/rule").isTextual(), "every allocation says why: " + a);
                }
                assertEquals(line.get("quantity").asInt(), units, "every unit reserved or waiting: " + line);
                if (!line.get("sku").asText().equals(skus.get(2))) {
                    assertEquals(0, line.get("backordered").asInt(), "a DENY SKU never waits");
                }
            }
            if (!order.at("/routing/allowSplit").asBoolean()) {
                assertTrue(distinctLocations(order) <= 1, "no split: one location at most " + order);
            }
        }
        assertEquals(0, Db.count("SELECT count(*) FROM stock WHERE sku LIKE ? AND reserved > on_hand", tag + "%"));
    }

    @Test
    void reroutesRaceIntakeWithoutOversellOrDeadlock() throws Exception {
        String tag = Ids.unique("RR");
        String a = RoutingTest.location(tag + "-A", 1, "PT", null);
        String b = RoutingTest.location(tag + "-B", 2, "PT", null);
        String c = RoutingTest.location(tag + "-C", 3, "ES", null);
        String sku = tag + "-X";
        Api.setStock(sku, a, 60);
        Api.setStock(sku, b, 60);
        Api.setStock(sku, c, 60);
        String channel = Api.createChannel(Ids.unique("rr"));
        RoutingTest.routing(channel, List.of("SAME_COUNTRY", "PRIORITY"), true);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ids.add(Api.as(Tokens.channel(channel)).body(RoutingTest.order("F-" + i, "PT", null, sku, 1))
                    .post("/v1/orders").then().statusCode(201).extract().path("id"));
        }

        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<String>>> reroutes = new ArrayList<>();
        List<CompletableFuture<HttpResponse<String>>> intake = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            reroutes.add(client.sendAsync(HttpRequest.newBuilder(base.resolve("/v1/orders/" + ids.get(i) + "/reroute"))
                    .header("Authorization", "Bearer " + Tokens.admin()).header("Content-Type", "application/json")
                    .header("If-Match", "\"1\"")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of(
                            "excludeLocations", List.of(a), "reason", "A cannot pick today")))).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < 160; i++) {
            intake.add(client.sendAsync(HttpRequest.newBuilder(base.resolve("/v1/orders"))
                    .header("Authorization", "Bearer " + Tokens.channel(channel)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(
                            RoutingTest.order("N-" + i, i % 2 == 0 ? "PT" : "ES", null, sku, 1)))).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        Map<Integer, Long> rerouted = statuses(reroutes);
        Map<Integer, Long> placed = statuses(intake);
        assertTrue(rerouted.keySet().stream().allMatch(s -> s == 200 || s == 409), "reroutes: " + rerouted);
        assertTrue(placed.keySet().stream().allMatch(s -> s == 201 || s == 409), "intake: " + placed);
        assertEquals(Map.of(201, 140L, 409, 20L), placed, "the 140 free units to 140 orders, whatever moved meanwhile");
        assertEquals(180, Db.count("SELECT sum(reserved) FROM stock WHERE sku = ?", sku), "every unit reserved once");
        for (CompletableFuture<HttpResponse<String>> r : reroutes) {
            HttpResponse<String> answer = r.get();
            if (answer.statusCode() == 200) {
                JsonNode order = JSON.readTree(answer.body());
                assertEquals(2, order.get("version").asInt());
                assertTrue(!order.at("/lines/0/allocations/0/location").asText().equals(a), "moved off A: " + order);
            }
        }
        assertEquals(rerouted.getOrDefault(200, 0L), Db.count("""
                SELECT count(*) FROM order_history h JOIN orders o ON o.id = h.order_id
                 WHERE o.channel = ? AND h.type = 'order.rerouted'""", channel), "one order.rerouted per reroute");
    }

    private static long distinctLocations(JsonNode order) {
        java.util.Set<String> at = new java.util.HashSet<>();
        for (JsonNode line : order.get("lines")) {
            for (JsonNode a : line.get("allocations")) {
                at.add(a.get("location").asText());
            }
        }
        return at.size();
    }

    private static Map<Integer, Long> statuses(List<CompletableFuture<HttpResponse<String>>> calls) throws Exception {
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            answers.add(call.get());
        }
        return answers.stream().collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
    }
}
