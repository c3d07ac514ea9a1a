package io.ordo.routing;

import static io.ordo.support.Api.asAdmin;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.ordo.support.Api;
import io.ordo.support.Db;
import io.ordo.support.Ids;
import io.ordo.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Routing with reasons (issue 15), against the real service and PostgreSQL: each rule and combinations, table-driven,
 * each case asserting where every unit went and the reason recorded; allowSplit false; inactive locations; the
 * preview giving the decision a real order then gets; the channel routing resource and its bad input.
 */
@QuarkusTest
class RoutingTest {
    static final double[] LISBON = { 38.7223, -9.1393 };
    static final double[] PORTO = { 41.1579, -8.6291 };
    static final double[] MADRID = { 40.4168, -3.7038 };

    @AfterEach
    void invariantsHold() {
        Db.assertInvariants();
    }

    /** A location of a case: its name within the case, priority, country (null: none), coordinates (null: none). */
    record Place(String name, int priority, String country, double[] at) {
    }

    /** One expected allocation: the case's location name, units, the rule and a part of the detail. */
    record Expect(int line, String place, int quantity, String rule, String detail) {
    }

    /**
     * A case: locations, stock per (sku letter, place), the channel's rules (null: default), allowSplit, the
     * order's country and coordinates, its lines (sku letter, quantity) and the expected allocations.
     */
    record Case(String name, List<Place> places, Map<String, Integer> stock, List<String> rules, boolean allowSplit,
            String country, double[] at, List<Object> lines, List<Expect> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        Place esFirst = new Place("A", 1, "ES", MADRID);
        Place ptSecond = new Place("B", 2, "PT", LISBON);
        return Stream.of(
                new Case("default: priority, v1", List.of(esFirst, ptSecond), Map.of("X@A", 10, "X@B", 10), null, true,
                        "PT", null, List.of("X", 1), List.of(new Expect(1, "A", 1, "PRIORITY", "priority 1 over 2"))),
                new Case("same country beats priority", List.of(esFirst, ptSecond), Map.of("X@A", 10, "X@B", 10),
                        List.of("SAME_COUNTRY", "PRIORITY"), true, "PT", null, List.of("X", 1),
                        List.of(new Expect(1, "B", 1, "SAME_COUNTRY", "PT"))),
                new Case("same country, then priority within the country",
                        List.of(new Place("A", 3, "PT", null), new Place("B", 2, "PT", null), new Place("C", 1, "ES", null)),
                        Map.of("X@A", 5, "X@B", 5, "X@C", 5), List.of("SAME_COUNTRY", "PRIORITY"), true, "PT", null,
                        List.of("X", 1), List.of(new Expect(1, "B", 1, "PRIORITY", "priority 2 over 3"))),
                new Case("a location without a country ranks with other countries",
                        List.of(new Place("A", 1, null, null), new Place("B", 2, "PT", null)),
                        Map.of("X@A", 5, "X@B", 5), List.of("SAME_COUNTRY", "PRIORITY"), true, "PT", null,
                        List.of("X", 1), List.of(new Expect(1, "B", 1, "SAME_COUNTRY", "PT"))),
                new Case("priority alone splits the order",
                        List.of(new Place("A", 1, "PT", null), new Place("B", 2, "PT", null)),
                        Map.of("X@A", 5, "X@B", 5, "Y@B", 5), null, true, "PT", null, List.of("X", 1, "Y", 1),
                        List.of(new Expect(1, "A", 1, "PRIORITY", "priority 1 over 2"),
                                new Expect(2, "B", 1, "ONLY_LOCATION", ""))),
                new Case("fewest shipments avoids the split priority makes",
                        List.of(new Place("A", 1, "PT", null), new Place("B", 2, "PT", null)),
                        Map.of("X@A", 5, "X@B", 5, "Y@B", 5), List.of("FEWEST_SHIPMENTS", "PRIORITY"), true, "PT", null,
                        List.of("X", 1, "Y", 1),
                        List.of(new Expect(1, "B", 1, "FEWEST_SHIPMENTS", "takes the whole order"),
                                new Expect(2, "B", 1, "ONLY_LOCATION", ""))),
                new Case("same country first, then fewest shipments inside it",
                        List.of(new Place("A", 1, "PT", null), new Place("B", 2, "PT", null), new Place("C", 0, "ES", null)),
                        Map.of("X@A", 5, "X@B", 5, "Y@B", 5, "X@C", 5, "Y@C", 5),
                        List.of("SAME_COUNTRY", "FEWEST_SHIPMENTS", "PRIORITY"), true, "PT", null, List.of("X", 1, "Y", 1),
                        List.of(new Expect(1, "B", 1, "FEWEST_SHIPMENTS", "takes the whole order"),
                                new Expect(2, "B", 1, "SAME_COUNTRY", "PT"))),
                new Case("nearest", List.of(esFirst, ptSecond, new Place("C", 3, "PT", PORTO)),
                        Map.of("X@A", 5, "X@B", 5, "X@C", 5), List.of("NEAREST", "PRIORITY"), true, "PT",
                        new double[] { 41.0, -8.6 }, List.of("X", 1), List.of(new Expect(1, "C", 1, "NEAREST", " km"))),
                new Case("nearest skipped without the order's coordinates, said so",
                        List.of(esFirst, ptSecond), Map.of("X@A", 5, "X@B", 5), List.of("NEAREST", "PRIORITY"), true,
                        "PT", null, List.of("X", 1), List.of(new Expect(1, "A", 1, "PRIORITY", "priority 1 over 2"))),
                new Case("nearest: a location without coordinates ranks last",
                        List.of(new Place("A", 1, "PT", null), new Place("B", 2, "PT", MADRID)),
                        Map.of("X@A", 5, "X@B", 5), List.of("NEAREST"), true, "PT", LISBON, List.of("X", 1),
                        List.of(new Expect(1, "B", 1, "NEAREST", " km"))),
                new Case("ties broken by priority", List.of(new Place("A", 2, "PT", null), new Place("B", 1, "PT", null)),
                        Map.of("X@A", 5, "X@B", 5), List.of("SAME_COUNTRY"), true, "PT", null, List.of("X", 1),
                        List.of(new Expect(1, "B", 1, "PRIORITY", "tie broken by priority 1 over 2"))),
                new Case("ties broken by priority, then code",
                        List.of(new Place("B", 1, "PT", null), new Place("A", 1, "PT", null)),
                        Map.of("X@A", 5, "X@B", 5), List.of("SAME_COUNTRY", "PRIORITY"), true, "PT", null,
                        List.of("X", 1), List.of(new Expect(1, "A", 1, "CODE", "before"))),
                new Case("most available", List.of(new Place("A", 1, "PT", null), new Place("B", 2, "PT", null)),
                        Map.of("X@A", 5, "X@B", 50), List.of("MOST_AVAILABLE", "PRIORITY"), true, "PT", null,
                        List.of("X", 2), List.of(new Expect(1, "B", 2, "MOST_AVAILABLE", "50 available"))),
                new Case("a line split across locations in rank order",
                        List.of(new Place("A", 1, "PT", null), new Place("B", 2, "PT", null)),
                        Map.of("X@A", 2, "X@B", 5), null, true, "PT", null, List.of("X", 4),
                        List.of(new Expect(1, "A", 2, "PRIORITY", "priority 1 over 2"),
                                new Expect(1, "B", 2, "ONLY_LOCATION", ""))),
                new Case("no split: the one location that takes the whole order",
                        List.of(new Place("A", 1, "PT", null), new Place("B", 2, "PT", null)),
                        Map.of("X@A", 2, "X@B", 5), List.of("PRIORITY"), false, "PT", null, List.of("X", 4),
                        List.of(new Expect(1, "B", 4, "FEWEST_SHIPMENTS", "takes the whole order"))),
                new Case("no split, two locations can: the rules choose",
                        List.of(new Place("A", 2, "PT", null), new Place("B", 1, "PT", null)),
                        Map.of("X@A", 5, "X@B", 5, "Y@A", 5, "Y@B", 5), List.of("PRIORITY"), false, "PT", null,
                        List.of("X", 1, "Y", 1),
                        List.of(new Expect(1, "B", 1, "PRIORITY", "priority 1 over 2"),
                                new Expect(2, "B", 1, "PRIORITY", "priority 1 over 2"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachRuleRecordsWhy(Case c) {
        String tag = Ids.unique("R");
        Map<String, String> codes = new HashMap<>();
        for (Place p : c.places()) {
            codes.put(p.name(), location(tag + "-" + p.name(), p.priority(), p.country(), p.at()));
        }
        c.stock().forEach((key, units) -> {
            String[] skuAt = key.split("@");
            Api.setStock(tag + "-" + skuAt[0], codes.get(skuAt[1]), units);
        });
        String channel = Api.createChannel(Ids.unique("rt"));
        if (c.rules() != null) {
            routing(channel, c.rules(), c.allowSplit());
        }
        Object[] lines = c.lines().toArray();
        for (int i = 0; i < lines.length; i += 2) {
            lines[i] = tag + "-" + lines[i];
        }
        Map<String, Object> body = order(Ids.unique("o"), c.country(), c.at(), lines);

        JsonPath preview = Api.as(Tokens.channel(channel)).body(body).post("/v1/routing/preview").then().statusCode(200)
                .extract().jsonPath();
        JsonPath placed = Api.as(Tokens.channel(channel)).body(body).post("/v1/orders").then().statusCode(201)
                .extract().jsonPath();

        List<String> got = new ArrayList<>();
        List<String> want = new ArrayList<>();
        for (Expect e : c.expected()) {
            want.add(e.line() + ":" + codes.get(e.place()) + "x" + e.quantity() + " " + e.rule());
        }
        for (int line = 0; line < lines.length / 2; line++) {
            List<Map<String, Object>> allocations = placed.getList("lines[" + line + "].allocations");
            for (Map<String, Object> a : allocations) {
                @SuppressWarnings("unchecked")
                Map<String, Object> reason = (Map<String, Object>) a.get("reason");
                got.add((line + 1) + ":" + a.get("location") + "x" + a.get("quantity") + " " + reason.get("rule"));
            }
        }
        assertEquals(want, got, c.name());
        int i = 0;
        for (Expect e : c.expected()) {
            String detail = placed.getString("lines[" + (e.line() - 1) + "].allocations.find { it.location == '"
                    + codes.get(e.place()) + "' }.reason.detail");
            org.hamcrest.MatcherAssert.assertThat(c.name() + " #" + i++, detail, containsString(e.detail()));
        }
        // the preview saw the same decision, reasons included
        assertEquals(placed.getList("lines.allocations"), preview.getList("lines.allocations"), c.name());
        assertEquals(true, preview.getBoolean("accepted"));
        // the order shows its routing, and GET tells the same as the 201
        List<String> rules = c.rules() == null ? List.of("PRIORITY") : c.rules();
        assertEquals(rules, placed.getList("routing.rules"));
        assertEquals(c.allowSplit(), placed.getBoolean("routing.allowSplit"));
        assertEquals(placed.getString("createdAt"), placed.getString("routing.decidedAt"));
        JsonPath read = asAdmin().get("/v1/orders/{id}", placed.getString("id")).then().statusCode(200).extract().jsonPath();
        assertEquals(placed.getList("lines"), read.getList("lines"));
        assertEquals(placed.getMap("routing"), read.getMap("routing"));
    }

    @Test
    void nearestSkippedIsRecordedInTheReason() {
        assertNearestSkipped("ES", MADRID, "PT", LISBON, null, a -> "the order has no coordinates");
    }

    @Test
    void nearestSkippedForALocationWithoutCoordinatesIsRecordedInTheReason() {
        // neither location has coordinates: NEAREST cannot rank them (no distance, not half the Earth's circumference
        // each), priority decides, and the reason says that NEAREST was skipped and why
        assertNearestSkipped("PT", null, "PT", null, LISBON, a -> a + " has no coordinates");
    }

    /**
     * Two locations A (priority 1, in aCountry at aAt) and B (priority 2, in bCountry at bAt) with the SKU, rules [NEAREST, PRIORITY], an
     * order to PT at orderAt: A is chosen by PRIORITY, the reason saying NEAREST was skipped with the detail given
     * for A's code.
     */
    private static void assertNearestSkipped(String aCountry, double[] aAt, String bCountry, double[] bAt,
            double[] orderAt, java.util.function.UnaryOperator<String> detail) {
        String tag = Ids.unique("R");
        String a = location(tag + "-A", 1, aCountry, aAt);
        location(tag + "-B", 2, bCountry, bAt);
        Api.setStock(tag + "-X", a, 5);
        Api.setStock(tag + "-X", tag + "-B", 5);
        String channel = Api.createChannel(Ids.unique("rt"));
        routing(channel, List.of("NEAREST", "PRIORITY"), true);
        Api.as(Tokens.channel(channel)).body(order(Ids.unique("o"), "PT", orderAt, tag + "-X", 1)).post("/v1/orders")
                .then().statusCode(201)
                .body("lines[0].allocations[0].location", equalTo(a),
                        "lines[0].allocations[0].reason.rule", equalTo("PRIORITY"),
                        "lines[0].allocations[0].reason.skipped[0].rule", equalTo("NEAREST"),
                        "lines[0].allocations[0].reason.skipped[0].detail", equalTo(detail.apply(a)));
    }

    @Test
    void noSplitWithoutALocationForTheWholeOrderIsRefusedForDenyAndBackorderedUnderBackorder() {
        String tag = Ids.unique("R");
        String a = location(tag + "-A", 1, "PT", null);
        String b = location(tag + "-B", 2, "PT", null);
        String deny = tag + "-D";
        Api.setStock(deny, a, 2);
        Api.setStock(deny, b, 2);
        String channel = Api.createChannel(Ids.unique("rt"));
        routing(channel, List.of("PRIORITY"), false);
        String before = Db.snapshot();
        Api.as(Tokens.channel(channel)).body(order(Ids.unique("o"), "PT", null, deny, 3)).post("/v1/orders").then()
                .statusCode(409).body("type", equalTo("urn:ordo:problem:insufficient-stock"),
                        "shortages[0].sku", equalTo(deny), "shortages[0].requested", equalTo(3),
                        "shortages[0].available", equalTo(2));
        assertEquals(before, Db.snapshot(), "a refused order changes nothing");
        // the same with splits allowed is accepted across both
        routing(channel, List.of("PRIORITY"), true);
        Api.as(Tokens.channel(channel)).body(order(Ids.unique("o"), "PT", null, deny, 3)).post("/v1/orders").then()
                .statusCode(201).body("lines[0].allocations.location", equalTo(List.of(a, b)));

        String bo = tag + "-B0";
        Api.setStock(bo, a, 2);
        Api.setStock(bo, b, 1);
        asAdmin().body(Map.of("inventoryPolicy", "BACKORDER")).put("/v1/skus/{sku}/policy", bo).then().statusCode(200);
        routing(channel, List.of("PRIORITY"), false);
        Api.as(Tokens.channel(channel)).body(order(Ids.unique("o"), "PT", null, bo, 3)).post("/v1/orders").then()
                .statusCode(201).body("lines[0].allocations.location", equalTo(List.of(a)),
                        "lines[0].allocations[0].quantity", equalTo(2), "lines[0].backordered", equalTo(1),
                        "routing.allowSplit", equalTo(false));
    }

    @Test
    void anInactiveLocationIsNotReservedFromNorCountedAsAvailable() {
        String tag = Ids.unique("R");
        String a = location(tag + "-A", 1, "PT", null);
        String b = location(tag + "-B", 2, "PT", null);
        String sku = tag + "-X";
        Api.setStock(sku, a, 5);
        Api.setStock(sku, b, 1);
        String channel = Api.createChannel(Ids.unique("rt"));
        asAdmin().body(Map.of("active", false)).patch("/v1/locations/{code}", a).then().statusCode(200)
                .body("active", equalTo(false), "priority", equalTo(1), "country", equalTo("PT"));
        try {
            asAdmin().get("/v1/availability?skus={sku}&channel={channel}", sku, channel).then().statusCode(200)
                    .body("items[0].available", equalTo(1));
            Api.as(Tokens.channel(channel)).body(order(Ids.unique("o"), "PT", null, sku, 1)).post("/v1/orders").then()
                    .statusCode(201).body("lines[0].allocations[0].location", equalTo(b),
                            "lines[0].allocations[0].reason.rule", equalTo("ONLY_LOCATION"));
            Api.as(Tokens.channel(channel)).body(order(Ids.unique("o"), "PT", null, sku, 1)).post("/v1/orders").then()
                    .statusCode(409).body("shortages[0].available", equalTo(0));
        } finally {
            asAdmin().body(Map.of("active", true)).patch("/v1/locations/{code}", a).then().statusCode(200);
        }
        Api.as(Tokens.channel(channel)).body(order(Ids.unique("o"), "PT", null, sku, 1)).post("/v1/orders").then()
                .statusCode(201).body("lines[0].allocations[0].location", equalTo(a));
    }

    @Test
    void previewTriesRulesBeforeTheyAreSwitchedOnAndWritesNothing() {
        String tag = Ids.unique("R");
        String a = location(tag + "-A", 1, "ES", null);
        String b = location(tag + "-B", 2, "PT", null);
        String sku = tag + "-X";
        Api.setStock(sku, a, 5);
        Api.setStock(sku, b, 5);
        String channel = Api.createChannel(Ids.unique("rt"));
        Map<String, Object> body = order(Ids.unique("o"), "PT", null, sku, 2);
        String before = Db.snapshot();
        Api.as(Tokens.channel(channel)).body(body).post("/v1/routing/preview?rules=SAME_COUNTRY,PRIORITY").then()
                .statusCode(200).body("accepted", equalTo(true), "routing.rules", equalTo(List.of("SAME_COUNTRY", "PRIORITY")),
                        "lines[0].allocations[0].location", equalTo(b),
                        "lines[0].allocations[0].reason.rule", equalTo("SAME_COUNTRY"),
                        "lines[0].backordered", equalTo(0));
        Api.as(Tokens.channel(channel)).body(body).post("/v1/routing/preview").then().statusCode(200)
                .body("routing.rules", equalTo(List.of("PRIORITY")), "lines[0].allocations[0].location", equalTo(a));
        Api.as(Tokens.channel(channel)).body(order(Ids.unique("o"), "PT", null, sku, 11)).post("/v1/routing/preview")
                .then().statusCode(200).body("accepted", equalTo(false), "shortages[0].available", equalTo(10));
        assertEquals(before, Db.snapshot(), "a preview reserves and writes nothing");

        // bad input: the order body as intake checks it, and the query
        Api.as(Tokens.channel(channel)).body(body).post("/v1/routing/preview?rules=CHEAPEST").then().statusCode(400)
                .body("errors.field", hasItem("rules"));
        Api.as(Tokens.channel(channel)).body(body).post("/v1/routing/preview?rules=PRIORITY,PRIORITY").then()
                .statusCode(400).body("errors.field", hasItem("rules"));
        Api.as(Tokens.channel(channel)).body(body).post("/v1/routing/preview?rules=PRIORITY&allowSplit=maybe").then()
                .statusCode(400).body("errors.field", hasItem("allowSplit"));
        Map<String, Object> noLines = new LinkedHashMap<>(body);
        noLines.put("lines", List.of());
        Api.as(Tokens.channel(channel)).body(noLines).post("/v1/routing/preview").then().statusCode(400)
                .body("errors.field", hasItem("lines"));
        Map<String, Object> halfLocated = new LinkedHashMap<>(body);
        halfLocated.put("shippingAddress", Map.of("line1", "Rua A 1", "city", "Lisboa", "country", "PT", "latitude", 38.7));
        Api.as(Tokens.channel(channel)).body(halfLocated).post("/v1/routing/preview").then().statusCode(400)
                .body("errors.field", hasItem("shippingAddress.longitude"));
        Api.as(Tokens.fulfillment()).body(body).post("/v1/routing/preview").then().statusCode(403);
        assertEquals(before, Db.snapshot());
    }

    @Test
    void channelRoutingResourceAndItsBadInput() {
        String channel = Api.createChannel(Ids.unique("rt"));
        asAdmin().get("/v1/channels/{code}/routing", channel).then().statusCode(200)
                .body("rules", equalTo(List.of("PRIORITY")), "allowSplit", equalTo(true), "custom", equalTo(false),
                        "updatedAt", nullValue());
        asAdmin().body(Map.of("rules", List.of("SAME_COUNTRY", "FEWEST_SHIPMENTS", "PRIORITY")))
                .put("/v1/channels/{code}/routing", channel).then().statusCode(200)
                .body("rules", equalTo(List.of("SAME_COUNTRY", "FEWEST_SHIPMENTS", "PRIORITY")),
                        "allowSplit", equalTo(true), "custom", equalTo(true));
        Api.as(Tokens.channel(channel)).get("/v1/channels/{code}/routing", channel).then().statusCode(200)
                .body("rules[0]", equalTo("SAME_COUNTRY"));
        String other = Api.createChannel(Ids.unique("rt"));
        Api.as(Tokens.channel(other)).get("/v1/channels/{code}/routing", channel).then().statusCode(404);
        Api.as(Tokens.channel(channel)).body(Map.of("rules", List.of("PRIORITY")))
                .put("/v1/channels/{code}/routing", channel).then().statusCode(403);

        String before = Db.snapshot();
        asAdmin().body(Map.of("rules", List.of("CHEAPEST"))).put("/v1/channels/{code}/routing", channel).then()
                .statusCode(400);
        asAdmin().body(Map.of("rules", List.of())).put("/v1/channels/{code}/routing", channel).then()
                .statusCode(400).body("errors.field", hasItem("rules"));
        asAdmin().body(Map.of("rules", List.of("PRIORITY", "PRIORITY"))).put("/v1/channels/{code}/routing", channel)
                .then().statusCode(400).body("errors.field", hasItem("rules[1]"));
        asAdmin().body(Map.of("allowSplit", false)).put("/v1/channels/{code}/routing", channel).then()
                .statusCode(400).body("errors.field", hasItem("rules"));
        asAdmin().body(Map.of("rules", List.of("PRIORITY"))).put("/v1/channels/{code}/routing", "no-such-channel")
                .then().statusCode(404);
        assertEquals(before, Db.snapshot(), "refused changes change nothing");

        asAdmin().delete("/v1/channels/{code}/routing", channel).then().statusCode(200).body("custom", equalTo(false),
                "rules", equalTo(List.of("PRIORITY")));
    }

    @Test
    void locationsCarryCountryCoordinatesAndActiveAndRefuseBadOnes() {
        String code = Ids.unique("LOC");
        asAdmin().body(Map.of("code", code, "name", "Lisbon", "type", "WAREHOUSE", "priority", 3, "country", "PT",
                "latitude", LISBON[0], "longitude", LISBON[1])).post("/v1/locations").then().statusCode(201)
                .body("country", equalTo("PT"), "latitude", equalTo((float) LISBON[0]), "active", equalTo(true));
        String old = Api.createLocation(Ids.unique("LOC"), 4);
        asAdmin().get("/v1/locations/{code}", old).then().statusCode(200).body("country", nullValue(),
                "latitude", nullValue(), "active", equalTo(true));

        String before = Db.snapshot();
        asAdmin().body(Map.of("code", Ids.unique("LOC"), "name", "x", "type", "WAREHOUSE", "priority", 1, "country", "pt"))
                .post("/v1/locations").then().statusCode(400).body("errors.field", hasItem("country"));
        asAdmin().body(Map.of("code", Ids.unique("LOC"), "name", "x", "type", "WAREHOUSE", "priority", 1, "latitude", 10))
                .post("/v1/locations").then().statusCode(400).body("errors.field", hasItem("longitude"));
        asAdmin().body(Map.of("code", Ids.unique("LOC"), "name", "x", "type", "WAREHOUSE", "priority", 1,
                "latitude", 91, "longitude", 0)).post("/v1/locations").then().statusCode(400)
                .body("errors.field", hasItem("latitude"));
        asAdmin().body(Map.of()).patch("/v1/locations/{code}", code).then().statusCode(400);
        asAdmin().body(Map.of("longitude", 3.0)).patch("/v1/locations/{code}", code).then().statusCode(400)
                .body("errors.field", hasItem("latitude"));
        asAdmin().body(Map.of("active", false)).patch("/v1/locations/{code}", "NO-SUCH-LOC").then().statusCode(404);
        Api.as(Tokens.fulfillment()).body(Map.of("active", false)).patch("/v1/locations/{code}", code).then()
                .statusCode(403);
        assertEquals(before, Db.snapshot());

        asAdmin().body(Map.of("latitude", PORTO[0], "longitude", PORTO[1], "priority", 7)).patch("/v1/locations/{code}", code)
                .then().statusCode(200).body("latitude", equalTo((float) PORTO[0]), "priority", equalTo(7),
                        "name", equalTo("Lisbon"), "country", equalTo("PT"));
    }

    @Test
    void rerouteMovesUnshippedReservationsRecordsWhyAndRefusesWhatItCannot() {
        String tag = Ids.unique("R");
        String a = location(tag + "-A", 1, "PT", null);
        String b = location(tag + "-B", 2, "PT", null);
        String sku = tag + "-X";
        Api.setStock(sku, a, 5);
        Api.setStock(sku, b, 5);
        String channel = Api.createChannel(Ids.unique("rt"));
        String id = Api.as(Tokens.channel(channel)).body(order(Ids.unique("o"), "PT", null, sku, 3)).post("/v1/orders")
                .then().statusCode(201).body("lines[0].allocations.location", equalTo(List.of(a))).extract().path("id");
        Map<String, Object> awayFromA = Map.of("excludeLocations", List.of(a), "reason", "A is flooded");

        String before = Db.snapshot();
        asAdmin().body(awayFromA).post("/v1/orders/{id}/reroute", id).then().statusCode(428)
                .body("type", equalTo("urn:ordo:problem:precondition-required"));
        asAdmin().header("If-Match", "\"7\"").body(awayFromA).post("/v1/orders/{id}/reroute", id).then().statusCode(412);
        asAdmin().header("If-Match", "\"1\"").body(Map.of("excludeLocations", List.of(a))).post("/v1/orders/{id}/reroute", id)
                .then().statusCode(400).body("errors.field", hasItem("reason"));
        asAdmin().header("If-Match", "\"1\"").body(Map.of("excludeLocations", List.of("bad code!"), "reason", "x"))
                .post("/v1/orders/{id}/reroute", id).then().statusCode(400);
        Api.as(Tokens.channel(channel)).header("If-Match", "\"1\"").body(awayFromA).post("/v1/orders/{id}/reroute", id)
                .then().statusCode(403);
        asAdmin().header("If-Match", "\"1\"").body(awayFromA)
                .post("/v1/orders/{id}/reroute", "00000000-0000-0000-0000-000000000000").then().statusCode(404);
        asAdmin().header("If-Match", "\"1\"").body(Map.of("excludeLocations", List.of(a, b), "reason", "both closed"))
                .post("/v1/orders/{id}/reroute", id).then().statusCode(409)
                .body("type", equalTo("urn:ordo:problem:insufficient-stock"), "shortages[0].available", equalTo(0));
        assertEquals(before, Db.snapshot(), "refused reroutes change nothing");

        Api.as(Tokens.fulfillment()).header("If-Match", "\"1\"").body(awayFromA).post("/v1/orders/{id}/reroute", id)
                .then().statusCode(200).header("ETag", "\"2\"")
                .body("version", equalTo(2), "lines[0].allocations.location", equalTo(List.of(b)),
                        "lines[0].allocations[0].quantity", equalTo(3),
                        "lines[0].allocations[0].reason.rule", equalTo("ONLY_LOCATION"));
        asAdmin().get("/v1/stock/{sku}", sku).then().body("reserved", equalTo(3),
                "locations.find { it.location == '" + a + "' }.reserved", equalTo(0),
                "locations.find { it.location == '" + b + "' }.reserved", equalTo(3));
        asAdmin().get("/v1/orders/{id}/history", id).then().statusCode(200)
                .body("items[-1].type", equalTo("order.rerouted"), "items[-1].detail.reason", equalTo("A is flooded"),
                        "items[-1].detail.moved[0].from[0].location", equalTo(a),
                        "items[-1].detail.moved[0].to[0].location", equalTo(b));
        assertEquals(1, Db.count("SELECT count(*) FROM outbox WHERE aggregate_id = ?::uuid AND type = 'order.rerouted'", id));

        // back to A (its released allocation row comes back), and the routing says when
        asAdmin().header("If-Match", "\"2\"").body(Map.of("excludeLocations", List.of(b), "reason", "B is full"))
                .post("/v1/orders/{id}/reroute", id).then().statusCode(200)
                .body("version", equalTo(3), "lines[0].allocations.location", equalTo(List.of(a)),
                        "routing.decidedAt", org.hamcrest.Matchers.not(equalTo(
                                asAdmin().get("/v1/orders/{id}", id).then().extract().path("createdAt"))));
        asAdmin().header("If-Match", "\"3\"").body(Map.of("reason", "cancelled")).post("/v1/orders/{id}/cancel", id)
                .then().statusCode(200);
        asAdmin().header("If-Match", "\"4\"").body(awayFromA).post("/v1/orders/{id}/reroute", id).then().statusCode(409)
                .body("currentStatus", equalTo("CANCELLED"));
    }

    @Test
    void aRerouteBackordersWhatItCannotPlaceAndThoseUnitsNeverComeFromWhereItLeft() {
        String tag = Ids.unique("R");
        String a = location(tag + "-A", 1, "PT", null);
        String b = location(tag + "-B", 2, "PT", null);
        String sku = tag + "-X";
        Api.setStock(sku, a, 5);
        Api.setStock(sku, b, 1);
        asAdmin().body(Map.of("inventoryPolicy", "BACKORDER")).put("/v1/skus/{sku}/policy", sku).then().statusCode(200);
        String channel = Api.createChannel(Ids.unique("rt"));
        String id = Api.as(Tokens.channel(channel)).body(order(Ids.unique("o"), "PT", null, sku, 3)).post("/v1/orders")
                .then().statusCode(201).extract().path("id");
        asAdmin().header("If-Match", "\"1\"").body(Map.of("excludeLocations", List.of(a), "reason", "A is flooded"))
                .post("/v1/orders/{id}/reroute", id).then().statusCode(200)
                .body("lines[0].allocations.location", equalTo(List.of(b)), "lines[0].backordered", equalTo(2),
                        "backordered", equalTo(true));
        // A has 5 free units again, but the order's backorder waits for somewhere else
        asAdmin().body(Map.of("delta", 1, "reason", "count")).post("/v1/stock/{sku}/{location}/adjustments", sku, a)
                .then().statusCode(201);
        asAdmin().get("/v1/orders/{id}", id).then().body("lines[0].backordered", equalTo(2));
        asAdmin().body(Map.of("delta", 2, "reason", "delivery")).post("/v1/stock/{sku}/{location}/adjustments", sku, b)
                .then().statusCode(201);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() ->
                asAdmin().get("/v1/orders/{id}", id).then().body("lines[0].backordered", equalTo(0),
                        "lines[0].allocations.location", equalTo(List.of(b)),
                        "lines[0].allocations[0].quantity", equalTo(3)));
    }

    static String location(String code, int priority, String country, double[] at) {
        Map<String, Object> body = new HashMap<>(Map.of("code", code, "name", "Location " + code, "type", "WAREHOUSE",
                "priority", priority));
        if (country != null) {
            body.put("country", country);
        }
        if (at != null) {
            body.put("latitude", at[0]);
            body.put("longitude", at[1]);
        }
        asAdmin().body(body).post("/v1/locations").then().statusCode(201);
        return code;
    }

    static void routing(String channel, List<String> rules, boolean allowSplit) {
        asAdmin().body(Map.of("rules", rules, "allowSplit", allowSplit)).put("/v1/channels/{code}/routing", channel)
                .then().statusCode(200);
    }

    /** An order body shipping to {@code country}, at {@code at} when given. */
    static Map<String, Object> order(String externalId, String country, double[] at, Object... skuQuantityPairs) {
        Map<String, Object> body = new LinkedHashMap<>(Api.order(externalId, skuQuantityPairs));
        Map<String, Object> address = new LinkedHashMap<>(Map.of("line1", "Rua A 1", "city", "Lisboa", "country", country));
        if (at != null) {
            address.put("latitude", at[0]);
            address.put("longitude", at[1]);
        }
        body.put("shippingAddress", address);
        return body;
    }
}
