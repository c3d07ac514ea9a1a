package io.ordo.order;

import static io.ordo.support.Api.as;
import static io.ordo.support.Api.asAdmin;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.ordo.support.Api;
import io.ordo.support.Db;
import io.ordo.support.Ids;
import io.ordo.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class OrderLifecycleTest {

    @AfterEach
    void invariantsHold() {
        Db.assertInvariants();
    }

    @Test
    void aPlacedOrderReservesStockSplitsAcrossLocationsAndCanBeReadBack() {
        String channel = Api.createChannel(Ids.unique("web"));
        String first = Api.createLocation(Ids.unique("WH"), 1);
        String second = Api.createLocation(Ids.unique("ST"), 2);
        String sku = Ids.unique("TEE");
        String mug = Ids.unique("MUG");
        Api.setStock(sku, first, 3);
        Api.setStock(sku, second, 5);
        Api.setStock(mug, second, 2);

        var created = as(Tokens.channel(channel)).body(Api.order("SHOP-1", sku, 4, mug, 1))
                .post("/v1/orders")
                .then().statusCode(201)
                .header("ETag", equalTo("\"1\""))
                .body("status", equalTo("ACCEPTED"), "channel", equalTo(channel), "externalId", equalTo("SHOP-1"),
                        "currency", equalTo("EUR"), "total", equalTo("50.00"), "version", equalTo(1),
                        "number", notNullValue(), "customer.email", equalTo("ana@example.com"),
                        "shippingAddress.country", equalTo("PT"),
                        "lines[0].unitPrice", equalTo("10.00"),
                        "lines[0].allocations.location", contains(first, second),
                        "lines[0].allocations.quantity", contains(3, 1),
                        "lines[1].allocations.location", contains(second))
                .extract();
        String id = created.path("id");
        assertEquals(true, created.header("Location").endsWith("/v1/orders/" + id));

        as(Tokens.fulfillment()).get("/v1/orders/{id}", id).then().statusCode(200)
                .header("ETag", equalTo("\"1\""))
                .body("id", equalTo(id), "total", equalTo("50.00"), "lines[0].allocations.quantity", contains(3, 1));
        asAdmin().get("/v1/stock/{sku}", sku).then().body("reserved", equalTo(4), "available", equalTo(4));
        as(Tokens.channel(channel)).get("/v1/orders/{id}/history", id).then().statusCode(200)
                .body("items.sequence", contains(1), "items.type", contains("order.created"),
                        "items.status", contains("ACCEPTED"));
    }

    @Test
    void aShortageReservesNothingAndNamesWhatIsMissing() {
        String channel = Api.createChannel(Ids.unique("web"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String plenty = Ids.unique("PLENTY");
        String scarce = Ids.unique("SCARCE");
        Api.setStock(plenty, location, 100);
        Api.setStock(scarce, location, 1);
        String before = Db.snapshot();

        as(Tokens.channel(channel)).body(Api.order("SHOP-2", plenty, 5, scarce, 2, "NO-SUCH-SKU", 1))
                .post("/v1/orders")
                .then().statusCode(409).contentType("application/problem+json")
                .body("type", equalTo("urn:ordo:problem:insufficient-stock"),
                        "shortages.sku", contains("NO-SUCH-SKU", scarce),
                        "shortages.requested", contains(1, 2), "shortages.available", contains(0, 1));
        assertEquals(before, Db.snapshot(), "nothing may be reserved or stored");
    }

    @Test
    void aSecondOrderWithTheSameExternalIdIsAConflictNamingTheFirst() {
        String channel = Api.createChannel(Ids.unique("web"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("DUP");
        Api.setStock(sku, location, 10);
        String id = as(Tokens.channel(channel)).body(Api.order("SAME", sku, 1)).post("/v1/orders")
                .then().statusCode(201).extract().path("id");

        as(Tokens.channel(channel)).body(Api.order("SAME", sku, 2)).post("/v1/orders")
                .then().statusCode(409).body("type", equalTo("urn:ordo:problem:duplicate-order"),
                        "existingOrderId", equalTo(id));
        asAdmin().get("/v1/stock/{sku}", sku).then().body("reserved", equalTo(1));
    }

    @Test
    void channelsAreIsolated() {
        String mine = Api.createChannel(Ids.unique("mine"));
        String theirs = Api.createChannel(Ids.unique("theirs"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("ISO");
        Api.setStock(sku, location, 10);
        String id = as(Tokens.channel(theirs)).body(Api.order("T-1", sku, 1)).post("/v1/orders")
                .then().statusCode(201).extract().path("id");

        as(Tokens.channel(mine)).get("/v1/orders/{id}", id).then().statusCode(404);
        as(Tokens.channel(mine)).get("/v1/orders/{id}/history", id).then().statusCode(404);
        as(Tokens.channel(mine)).body(Map.of("reason", "x")).post("/v1/orders/{id}/cancel", id).then().statusCode(404);
        as(Tokens.channel(mine)).queryParam("channel", theirs).get("/v1/orders").then().statusCode(200)
                .body("items", hasSize(0));
        Map<String, Object> forOther = new HashMap<>(Api.order("M-1", sku, 1));
        forOther.put("channel", theirs);
        as(Tokens.channel(mine)).body(forOther).post("/v1/orders").then().statusCode(403);
        // an admin must name the channel
        asAdmin().body(Api.order("A-1", sku, 1)).post("/v1/orders").then().statusCode(400)
                .body("errors[0].field", equalTo("channel"));
        as(Tokens.fulfillment()).body(Api.order("F-1", sku, 1)).post("/v1/orders").then().statusCode(403);
    }

    @Test
    void statusMovesFollowTheGraphAndIfMatchGuardsThem() {
        String channel = Api.createChannel(Ids.unique("web"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("FLOW");
        Api.setStock(sku, location, 10);
        String id = as(Tokens.channel(channel)).body(Api.order("FLOW-1", sku, 3)).post("/v1/orders")
                .then().statusCode(201).extract().path("id");

        as(Tokens.fulfillment()).header("If-Match", "\"7\"").body(Map.of("status", "PROCESSING"))
                .post("/v1/orders/{id}/status", id).then().statusCode(412).body("currentVersion", equalTo(1));
        as(Tokens.fulfillment()).body(Map.of("status", "DELIVERED"))
                .post("/v1/orders/{id}/status", id).then().statusCode(409)
                .body("type", equalTo("urn:ordo:problem:transition-not-allowed"));
        as(Tokens.fulfillment()).header("If-Match", "\"1\"").body(Map.of("status", "PROCESSING"))
                .post("/v1/orders/{id}/status", id).then().statusCode(200)
                .header("ETag", equalTo("\"2\"")).body("status", equalTo("PROCESSING"), "version", equalTo(2));
        as(Tokens.channel(channel)).header("If-Match", "\"1\"").body(Map.of("reason", "late"))
                .post("/v1/orders/{id}/cancel", id).then().statusCode(412);
        as(Tokens.channel(channel)).header("If-Match", "\"2\"").body(Map.of("reason", "customer changed mind"))
                .post("/v1/orders/{id}/cancel", id).then().statusCode(200)
                .body("status", equalTo("CANCELLED"), "version", equalTo(3), "lines[0].allocations", hasSize(0));
        asAdmin().get("/v1/stock/{sku}", sku).then().body("reserved", equalTo(0), "available", equalTo(10));
        as(Tokens.channel(channel)).post("/v1/orders/{id}/cancel", id).then().statusCode(409);

        as(Tokens.fulfillment()).get("/v1/orders/{id}/history", id).then()
                .body("items.sequence", contains(1, 2, 3))
                .body("items.type", contains("order.created", "order.status_changed", "order.cancelled"))
                .body("items.status", contains("ACCEPTED", "PROCESSING", "CANCELLED"))
                .body("items[2].detail.reason", equalTo("customer changed mind"),
                        "items[2].detail.from", equalTo("PROCESSING"), "items[2].actor", equalTo("shop-" + channel));
    }

    @Test
    void theListIsNewestFirstFilteredAndPagedByCursor() {
        String channel = Api.createChannel(Ids.unique("list"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("LIST");
        String other = Ids.unique("OTHER");
        Api.setStock(sku, location, 100);
        Api.setStock(other, location, 100);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(as(Tokens.channel(channel)).body(Api.order("L-" + i, i == 2 ? other : sku, 1)).post("/v1/orders")
                    .then().statusCode(201).extract().path("id"));
        }
        List<String> newestFirst = new ArrayList<>(ids);
        java.util.Collections.reverse(newestFirst);

        var firstPage = as(Tokens.channel(channel)).queryParam("limit", 2).get("/v1/orders").then().statusCode(200)
                .body("items.id", contains(newestFirst.get(0), newestFirst.get(1)), "nextCursor", notNullValue())
                .extract();
        String cursor = firstPage.path("nextCursor");
        var secondPage = as(Tokens.channel(channel)).queryParam("limit", 2).queryParam("cursor", cursor)
                .get("/v1/orders").then().statusCode(200)
                .body("items.id", contains(newestFirst.get(2), newestFirst.get(3))).extract();
        as(Tokens.channel(channel)).queryParam("limit", 2).queryParam("cursor", (String) secondPage.path("nextCursor"))
                .get("/v1/orders").then().body("items.id", contains(newestFirst.get(4)), "nextCursor", nullValue());

        asAdmin().queryParam("channel", channel).queryParam("sku", other).get("/v1/orders").then()
                .body("items.id", contains(ids.get(2)));
        asAdmin().queryParam("channel", channel).queryParam("status", "CANCELLED").get("/v1/orders").then()
                .body("items", hasSize(0));
        asAdmin().queryParam("channel", channel).queryParam("createdFrom", "2999-01-01T00:00:00Z").get("/v1/orders")
                .then().body("items", hasSize(0));
        asAdmin().queryParam("cursor", "garbage").get("/v1/orders").then().statusCode(400)
                .body("errors[0].field", equalTo("cursor"));
        asAdmin().queryParam("limit", 0).get("/v1/orders").then().statusCode(400);
        // a value that does not convert is the client's mistake, named (issue 20 item 8), not "no resource"
        asAdmin().queryParam("status", "LOST").get("/v1/orders").then().statusCode(400)
                .body("errors[0].field", equalTo("status"));
        assertNotEquals(ids.get(0), ids.get(1));
    }

    @Test
    void unknownOrMalformedIdsAre404s() {
        asAdmin().get("/v1/orders/{id}", "00000000-0000-0000-0000-000000000000").then().statusCode(404)
                .contentType("application/problem+json");
        asAdmin().get("/v1/orders/{id}", "not-a-uuid").then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void moneyIsStrict() {
        String channel = Api.createChannel(Ids.unique("money"));
        Map<String, Object> order = new HashMap<>(Api.order("M-1", "ANY", 1));
        order.put("lines", List.of(Map.of("sku", "ANY", "quantity", 1, "unitPrice", 10.5)));
        as(Tokens.channel(channel)).body(order).post("/v1/orders").then().statusCode(400)
                .body("errors[0].field", equalTo("lines[0].unitPrice"));
        order.put("lines", List.of(Map.of("sku", "ANY", "quantity", 1, "unitPrice", "10.555")));
        as(Tokens.channel(channel)).body(order).post("/v1/orders").then().statusCode(400)
                .body("errors[0].field", equalTo("lines[0].unitPrice"));
        order.put("currency", "XYZ");
        order.put("lines", List.of(Map.of("sku", "ANY", "quantity", 1, "unitPrice", "10.50")));
        as(Tokens.channel(channel)).body(order).post("/v1/orders").then().statusCode(400)
                .body("errors[0].field", equalTo("currency"));
    }
}
