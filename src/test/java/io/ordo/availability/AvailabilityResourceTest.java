package io.ordo.availability;

import static io.ordo.support.Api.as;
import static io.ordo.support.Api.asAdmin;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.ordo.support.Api;
import io.ordo.support.Db;
import io.ordo.support.Ids;
import io.ordo.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/**
 * GET and POST /v1/availability against the real database: the figures under each policy, a channel's assortment,
 * who may name which channel, and refused input (a 400 problem naming the field).
 */
@QuarkusTest
class AvailabilityResourceTest {

    @AfterEach
    void invariantsHold() {
        Db.assertInvariants();
    }

    /** A SKU's policy set as set_sku_policy sets it (the policy endpoint is not part of this branch). */
    static void policy(String sku, String policy, Integer limit, String expectedAt) {
        Db.exec("SELECT set_sku_policy(?, ?, ?::int, ?::timestamptz, 'test')", sku, policy, limit, expectedAt);
    }

    static String place(String channel, String externalId, String sku, int quantity) {
        return as(Tokens.channel(channel)).body(Api.order(externalId, sku, quantity)).post("/v1/orders")
                .then().statusCode(201).extract().path("id");
    }

    static ValidatableResponse get(String token, String query) {
        return as(token).get(query.isEmpty() ? "/v1/availability" : "/v1/availability?" + query).then();
    }

    @Test
    void eachPolicyGivesItsFiguresInTheOrderAskedAndGetAndPostAgree() {
        String channel = Api.createChannel(Ids.unique("atp"));
        String first = Api.createLocation(Ids.unique("WH"), 1);
        String second = Api.createLocation(Ids.unique("WH"), 2);
        String deny = Ids.unique("DENY");
        String limited = Ids.unique("BACKL");
        String unlimited = Ids.unique("BACKU");
        String preorder = Ids.unique("PRE");
        String unknown = Ids.unique("NONE");
        Api.setStock(deny, first, 10);
        Api.setStock(deny, second, 5);
        place(channel, "D-1", deny, 3); // 7 + 5 left
        Api.setStock(limited, first, 2);
        policy(limited, "BACKORDER", 5, null);
        place(channel, "B-1", limited, 4); // 2 reserved, 2 backordered: 3 more may be promised
        policy(unlimited, "BACKORDER", null, null);
        policy(preorder, "PREORDER", 100, "2027-03-01T09:00:00Z");
        place(channel, "P-1", preorder, 30); // nothing on the shelf: 30 pre-ordered, 70 left to promise

        String query = "skus=" + String.join(",", preorder, deny, unknown, limited, deny, unlimited);
        ValidatableResponse answer = get(Tokens.admin(), query).statusCode(200)
                .body("items.sku", contains(preorder, deny, unknown, limited, unlimited))
                .body("items.available", contains(0, 12, 0, 0, 0))
                .body("items.backorderable", contains(70, 0, 0, 3, null))
                .body("items.inventoryPolicy", contains("PREORDER", "DENY", "DENY", "BACKORDER", "BACKORDER"))
                .body("items.expectedAt", contains("2027-03-01T09:00:00.000000Z", null, null, null, null));
        List<Map<String, Object>> viaGet = answer.extract().jsonPath().getList("items");
        assertEquals(5, viaGet.size());
        List<Map<String, Object>> viaPost = asAdmin()
                .body(Map.of("skus", List.of(preorder, deny, unknown, limited, deny, unlimited)))
                .post("/v1/availability").then().statusCode(200).extract().jsonPath().getList("items");
        assertEquals(viaGet, viaPost);
        // the parameter may also repeat; every role may ask
        get(Tokens.fulfillment(), "skus=" + deny + "&skus=" + limited).statusCode(200)
                .body("items.available", contains(12, 0));
        get(Tokens.channel(channel), "skus=" + deny).statusCode(200).body("items.available", contains(12));
    }

    @Test
    void aChannelCountsOnlyItsAssortmentAndAChannelTokenAlwaysItsOwnChannel() {
        String assorted = Api.createChannel(Ids.unique("shop"));
        String everywhere = Api.createChannel(Ids.unique("all"));
        String near = Api.createLocation(Ids.unique("WH"), 1);
        String far = Api.createLocation(Ids.unique("WH"), 2);
        String sku = Ids.unique("ASSORT");
        Api.setStock(sku, near, 4);
        Api.setStock(sku, far, 6);
        // the assortment endpoint (PUT /v1/channels/{code}/locations) is built elsewhere: its rows, directly
        Db.exec("INSERT INTO channel_locations (channel, location) VALUES (?, ?)", assorted, near);

        get(Tokens.admin(), "skus=" + sku).statusCode(200).body("items.available", contains(10));
        get(Tokens.admin(), "skus=" + sku + "&channel=" + assorted).statusCode(200).body("items.available", contains(4));
        get(Tokens.fulfillment(), "skus=" + sku + "&channel=" + everywhere).statusCode(200)
                .body("items.available", contains(10));
        asAdmin().body(Map.of("skus", List.of(sku), "channel", assorted)).post("/v1/availability").then()
                .statusCode(200).body("items.available", contains(4));

        // a channel token: its own assortment, named or not; another channel is not found, as reading it is
        get(Tokens.channel(assorted), "skus=" + sku).statusCode(200).body("items.available", contains(4));
        get(Tokens.channel(assorted), "skus=" + sku + "&channel=" + assorted).statusCode(200)
                .body("items.available", contains(4));
        get(Tokens.channel(everywhere), "skus=" + sku).statusCode(200).body("items.available", contains(10));
        get(Tokens.channel(assorted), "skus=" + sku + "&channel=" + everywhere).statusCode(404)
                .contentType("application/problem+json");
        as(Tokens.channel(assorted)).body(Map.of("skus", List.of(sku), "channel", everywhere))
                .post("/v1/availability").then().statusCode(404);
        // a channel token of a channel that does not exist, and an unknown channel named by an admin
        get(Tokens.channel(Ids.unique("gone")), "skus=" + sku).statusCode(404);
        get(Tokens.admin(), "skus=" + sku + "&channel=" + Ids.unique("nope")).statusCode(404)
                .contentType("application/problem+json").body("status", equalTo(404));

        // a reservation at the assorted location counts for both views, one elsewhere only for the whole
        place(everywhere, "F-1", sku, 8); // takes near first (priority 1): 4 there, then 4 at far
        get(Tokens.admin(), "skus=" + sku).statusCode(200).body("items.available", contains(2));
        get(Tokens.channel(assorted), "skus=" + sku).statusCode(200).body("items.available", contains(0));
    }

    @Test
    void twoHundredSkusAreAnsweredInOneCallAndMoreAreRefused() {
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String prefix = Ids.unique("MANY");
        List<String> skus = IntStream.range(0, 201).mapToObj(i -> prefix + "-" + i).toList();
        Api.setStock(skus.get(7), location, 7);
        String two100 = String.join(",", skus.subList(0, 200));
        get(Tokens.admin(), "skus=" + two100).statusCode(200).body("items", hasSize(200))
                .body("items[7].available", equalTo(7));
        asAdmin().body(Map.of("skus", skus.subList(0, 200))).post("/v1/availability").then().statusCode(200)
                .body("items", hasSize(200));

        refused(get(Tokens.admin(), "skus=" + String.join(",", skus)), "skus");
        refused(asAdmin().body(Map.of("skus", skus)).post("/v1/availability").then(), "skus");
    }

    @Test
    void badInputIsA400ProblemNamingTheField() {
        String before = Db.snapshot();
        refused(get(Tokens.admin(), ""), "skus");
        refused(get(Tokens.admin(), "skus="), "skus"); // an empty parameter is no SKU at all
        refused(get(Tokens.admin(), "skus=A,,B"), "skus[1]");
        refused(get(Tokens.admin(), "skus=A,%20B"), "skus[1]");
        refused(get(Tokens.admin(), "skus=A,B%2FC"), "skus[1]");
        refused(get(Tokens.admin(), "skus=A," + "X".repeat(101)), "skus[1]");
        get(Tokens.admin(), "skus=A%00B").statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem(anyOf(equalTo("skus"), equalTo("skus[0]"))));
        refused(get(Tokens.admin(), "skus=A&channel=no%20spaces"), "channel");
        refused(asAdmin().body(Map.of()).post("/v1/availability").then(), "skus");
        refused(asAdmin().body(Map.of("skus", List.of())).post("/v1/availability").then(), "skus");
        refused(asAdmin().body(Map.of("skus", List.of("A", ""))).post("/v1/availability").then(), "skus[1]");
        refused(asAdmin().body(Map.of("skus", List.of("A", "B\u0000"))).post("/v1/availability").then(), "skus[1]");
        refused(asAdmin().body("{\"skus\": [\"A\", null]}").post("/v1/availability").then(), "skus[1]");
        refused(asAdmin().body("{\"skus\": \"A\"}").post("/v1/availability").then(), "skus");
        refused(asAdmin().body("{\"skus\": [\"A\"], \"extra\": 1}").post("/v1/availability").then(), "extra");
        refused(asAdmin().body(Map.of("skus", List.of("A"), "channel", "")).post("/v1/availability").then(),
                "channel");
        assertEquals(before, Db.snapshot());

        given().get("/v1/availability?skus=A").then().statusCode(401);
        as(Tokens.noRole()).get("/v1/availability?skus=A").then().statusCode(403);
    }

    @Test
    void theOpenApiDocumentDescribesBothOperations() {
        given().accept("application/json").get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.'/v1/availability'", hasKey("get"))
                .body("paths.'/v1/availability'", hasKey("post"))
                .body("paths.'/v1/availability'.get.parameters.name", hasItems("skus", "channel"))
                .body("paths.'/v1/availability'.get.responses", hasKey("400"))
                .body("paths.'/v1/availability'.get.responses", hasKey("404"))
                .body("paths.'/v1/availability'.post.responses", hasKey("400"))
                .body("paths.'/v1/availability'.post.responses.'200'.content.'application/json'.examples", hasKey("two SKUs"))
                .body("components.schemas.SkuAvailability.properties", hasKey("backorderable"))
                .body("components.schemas.SkuAvailability.properties.inventoryPolicy.enum",
                        hasItems("DENY", "BACKORDER", "PREORDER"))
                .body("components.schemas.AvailabilityRequest.properties.skus.maxItems", equalTo(200));
    }

    private static void refused(ValidatableResponse response, String field) {
        response.statusCode(400).contentType("application/problem+json");
        response.body("errors.field", hasItem(field));
    }
}
