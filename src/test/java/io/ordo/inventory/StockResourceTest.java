package io.ordo.inventory;

import static io.ordo.support.Api.as;
import static io.ordo.support.Api.asAdmin;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.ordo.support.Api;
import io.ordo.support.Db;
import io.ordo.support.Ids;
import io.ordo.support.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class StockResourceTest {

    @TestHTTPResource("/")
    URI base;

    @AfterEach
    void invariantsHold() {
        Db.assertInvariants();
    }

    @Test
    void aCountCreatesThePairAndTotalsAddUpAcrossLocations() {
        String sku = Ids.unique("TSHIRT");
        String first = Api.createLocation(Ids.unique("WH"), 1);
        String second = Api.createLocation(Ids.unique("ST"), 2);

        asAdmin().body(Map.of("onHand", 120)).put("/v1/stock/{sku}/{location}", sku, first)
                .then().statusCode(200)
                .body("sku", equalTo(sku), "location", equalTo(first), "kind", equalTo("COUNT"),
                        "delta", equalTo(120), "onHand", equalTo(120), "reserved", equalTo(0),
                        "available", equalTo(120), "id", notNullValue());
        Api.setStock(sku, second, 30);
        as(Tokens.fulfillment()).body(Map.of("onHand", 25)).put("/v1/stock/{sku}/{location}", sku, second)
                .then().statusCode(200).body("delta", equalTo(-5));

        as(Tokens.channel("web")).get("/v1/stock/{sku}", sku)
                .then().statusCode(200)
                .body("sku", equalTo(sku), "onHand", equalTo(145), "reserved", equalTo(0), "available", equalTo(145),
                        "locations.location", contains(first, second),
                        "locations.onHand", contains(120, 25));
    }

    @Test
    void adjustmentsAddAndSubtractAndAreRecorded() {
        String sku = Ids.unique("MUG");
        String location = Api.createLocation(Ids.unique("WH"), 1);
        Api.setStock(sku, location, 10);

        as(Tokens.fulfillment()).body(Map.of("delta", 5, "reason", "delivery from supplier"))
                .post("/v1/stock/{sku}/{location}/adjustments", sku, location)
                .then().statusCode(201)
                .body("kind", equalTo("ADJUSTMENT"), "delta", equalTo(5), "onHand", equalTo(15),
                        "reason", equalTo("delivery from supplier"));
        asAdmin().body(Map.of("delta", -15, "reason", "flood"))
                .post("/v1/stock/{sku}/{location}/adjustments", sku, location)
                .then().statusCode(201).body("onHand", equalTo(0), "available", equalTo(0));

        assertEquals(3, Db.count("SELECT count(*) FROM stock_movements WHERE sku = ?", sku));
        assertEquals(List.of("warehouse-user"),
                Db.strings("SELECT actor FROM stock_movements WHERE sku = ? AND delta = 5", sku));
    }

    @Test
    void onHandNeverFallsBelowReserved() {
        String sku = Ids.unique("LAMP");
        String location = Api.createLocation(Ids.unique("WH"), 1);
        Api.setStock(sku, location, 10);
        Api.hold(Api.createChannel(Ids.unique("shop")), sku, 7);
        String before = Db.snapshot();

        asAdmin().body(Map.of("delta", -4, "reason", "count correction"))
                .post("/v1/stock/{sku}/{location}/adjustments", sku, location)
                .then().statusCode(409).contentType("application/problem+json")
                .body("type", equalTo("urn:ordo:problem:stock-level-refused"), "reserved", equalTo(7),
                        "onHand", equalTo(10));
        asAdmin().body(Map.of("onHand", 6)).put("/v1/stock/{sku}/{location}", sku, location)
                .then().statusCode(409).body("reserved", equalTo(7));
        assertEquals(before, Db.snapshot(), "a refused change must change nothing");

        asAdmin().body(Map.of("delta", -3, "reason", "count correction"))
                .post("/v1/stock/{sku}/{location}/adjustments", sku, location)
                .then().statusCode(201).body("onHand", equalTo(7), "reserved", equalTo(7), "available", equalTo(0));
    }

    @Test
    void onHandHasAnUpperBound() {
        String sku = Ids.unique("BIG");
        String location = Api.createLocation(Ids.unique("WH"), 1);
        Api.setStock(sku, location, StockLimits.MAX_ON_HAND);
        asAdmin().body(Map.of("delta", 1, "reason", "one more"))
                .post("/v1/stock/{sku}/{location}/adjustments", sku, location)
                .then().statusCode(409).body("type", equalTo("urn:ordo:problem:stock-level-refused"));
    }

    @Test
    void unknownThingsAre404s() {
        String location = Api.createLocation(Ids.unique("WH"), 1);
        asAdmin().get("/v1/stock/{sku}", "NO-SUCH-SKU").then().statusCode(404).contentType("application/problem+json");
        asAdmin().body(Map.of("onHand", 1)).put("/v1/stock/{sku}/{location}", "SKU-1", "NO-SUCH-LOCATION")
                .then().statusCode(404).body("detail", equalTo("Location 'NO-SUCH-LOCATION' was not found"));
        asAdmin().body(Map.of("delta", 1, "reason", "x"))
                .post("/v1/stock/{sku}/{location}/adjustments", "NEVER-COUNTED", location)
                .then().statusCode(404);
        asAdmin().body(Map.of("delta", 1, "reason", "x"))
                .post("/v1/stock/{sku}/{location}/adjustments", "NEVER-COUNTED", "NO-SUCH-LOCATION")
                .then().statusCode(404).body("detail", equalTo("Location 'NO-SUCH-LOCATION' was not found"));
    }

    @Test
    void concurrentAdjustmentsOfOneRowAddUpExactly() {
        String sku = Ids.unique("HOT");
        String location = Api.createLocation(Ids.unique("WH"), 1);
        Api.setStock(sku, location, 100);
        HttpClient client = HttpClient.newHttpClient();
        String token = Tokens.fulfillment();

        List<CompletableFuture<HttpResponse<String>>> calls = IntStream.range(0, 100)
                .mapToObj(i -> client.sendAsync(HttpRequest.newBuilder(
                        base.resolve("/v1/stock/" + sku + "/" + location + "/adjustments"))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"delta\": " + (i % 2 == 0 ? 3 : -1) + ", \"reason\": \"parallel " + i + "\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString()))
                .toList();
        List<Integer> statuses = calls.stream().map(CompletableFuture::join).map(HttpResponse::statusCode).toList();

        assertEquals(List.of(201), statuses.stream().distinct().toList(), "every adjustment succeeds");
        // 50 x +3 and 50 x -1 on 100
        asAdmin().get("/v1/stock/{sku}", sku).then().body("onHand", equalTo(200));
        assertEquals(100, Db.count("SELECT count(*) FROM stock_movements WHERE sku = ? AND kind = 'ADJUSTMENT'", sku));
        assertEquals(200, Db.count("SELECT on_hand_after FROM stock_movements WHERE sku = ? ORDER BY created_at DESC, "
                + "on_hand_after DESC LIMIT 1", sku) >= 0 ? 200 : -1);
    }

    @Test
    void concurrentRemovalsNeverGoBelowReserved() {
        String sku = Ids.unique("LAST");
        String location = Api.createLocation(Ids.unique("WH"), 1);
        Api.setStock(sku, location, 30);
        Api.hold(Api.createChannel(Ids.unique("shop")), sku, 10);
        HttpClient client = HttpClient.newHttpClient();
        String token = Tokens.fulfillment();

        List<Integer> statuses = IntStream.range(0, 50)
                .mapToObj(i -> client.sendAsync(HttpRequest.newBuilder(
                        base.resolve("/v1/stock/" + sku + "/" + location + "/adjustments"))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"delta\": -1, \"reason\": \"shrinkage\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString()))
                .toList().stream().map(CompletableFuture::join).map(HttpResponse::statusCode).toList();

        assertEquals(20, statuses.stream().filter(s -> s == 201).count(), "exactly onHand - reserved removals pass");
        assertEquals(30, statuses.stream().filter(s -> s == 409).count(), "the rest are conflicts, never 5xx");
        asAdmin().get("/v1/stock/{sku}", sku).then().body("onHand", equalTo(10), "reserved", equalTo(10));
    }
}
