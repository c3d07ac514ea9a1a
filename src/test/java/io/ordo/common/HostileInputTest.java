package io.ordo.common;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.ordo.support.Api;
import io.ordo.support.Db;
import io.ordo.support.Ids;
import io.ordo.support.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;

/**
 * Hostile input that used to reach PostgreSQL and come back as a 500 (issue 13, issue 20 items 6-8, 10): text the
 * database cannot store (NUL, lone surrogates) in any body field or parameter, bodies without a JSON
 * {@code Content-Type}, totals that overflow the money columns, query values that do not convert. Each is a 4xx
 * problem naming what is wrong, and nothing changes.
 */
@QuarkusTest
class HostileInputTest {
    static final String NUL = "\\u0000";
    static final String LONE_SURROGATE = "\\uD800";
    static String location;
    static String channel;
    static String sku;

    @TestHTTPResource("/")
    URI root;

    @BeforeEach
    void catalogue() {
        if (location == null) {
            location = Api.createLocation(Ids.unique("WH"), 1);
            channel = Api.createChannel(Ids.unique("hostile"));
            sku = Ids.unique("HOSTILE");
            Api.setStock(sku, location, 50);
        }
    }

    static Stream<Arguments> unstorableText() {
        return Stream.of(NUL, LONE_SURROGATE, "\\uDC00", "a\\uDBFFb").map(Arguments::of);
    }

    @ParameterizedTest(name = "[{index}] {0} in a channel, a location, an adjustment, a webhook")
    @MethodSource("unstorableText")
    void textPostgresCannotStoreIsA400NamingTheFieldInEveryBody(String bad) {
        String before = Db.snapshot();
        assertRefused(Api.asAdmin().body("{\"code\":\"c-" + Ids.unique("x").toLowerCase() + "\",\"name\":\"a" + bad
                + "b\",\"type\":\"WEB\"}").post("/v1/channels"), "name");
        assertRefused(Api.asAdmin().body("{\"code\":\"L" + Ids.unique("x") + "\",\"name\":\"" + bad
                + "\",\"type\":\"STORE\",\"priority\":1}").post("/v1/locations"), "name");
        assertRefused(Api.as(Tokens.fulfillment()).body("{\"delta\":1,\"reason\":\"recount " + bad + "\"}")
                .post("/v1/stock/{sku}/{location}/adjustments", sku, location), "reason");
        assertRefused(Api.asAdmin().body("{\"url\":\"https://shop.example.com/hook\",\"events\":[\"order.created\","
                + "\"order" + bad + "\"]}").post("/v1/webhooks"), "events[1]");
        assertRefused(Api.as(Tokens.channel(channel)).body(orderJson("HOST-1", "Ana " + bad)).post("/v1/orders"),
                "customer.name");
        assertEquals(before, Db.snapshot(), "a refused request must change nothing");
        assertEquals(0, Db.count("SELECT count(*) FROM channels WHERE name LIKE '%?%'"),
                "a lone surrogate is never stored as '?'");
    }

    @Test
    void aSurrogateSentAsRawUtf8BytesIsRefusedToo() {
        String before = Db.snapshot();
        byte[] start = "{\"code\":\"raw-sur\",\"name\":\"a".getBytes(StandardCharsets.UTF_8);
        byte[] surrogate = { (byte) 0xED, (byte) 0xA0, (byte) 0x80 };
        byte[] end = "b\",\"type\":\"WEB\"}".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[start.length + surrogate.length + end.length];
        System.arraycopy(start, 0, body, 0, start.length);
        System.arraycopy(surrogate, 0, body, start.length, surrogate.length);
        System.arraycopy(end, 0, body, start.length + surrogate.length, end.length);
        Response response = given().auth().oauth2(Tokens.admin()).contentType("application/json").body(body)
                .post("/v1/channels");
        response.then().statusCode(400).contentType("application/problem+json");
        assertEquals(before, Db.snapshot());
    }

    @Test
    void storableUnicodeIsStoredExactly() {
        String name = "Loja \u00e7 \u4e2d \uD83D\uDE00 \uFFFD";
        String code = "uni-" + Ids.unique("x").toLowerCase();
        Api.asAdmin().body(Map.of("code", code, "name", name, "type", "WEB")).post("/v1/channels")
                .then().statusCode(201);
        Api.asAdmin().get("/v1/channels/{code}", code).then().statusCode(200).body("name", equalTo(name));
        assertEquals(List.of(name), Db.strings("SELECT name FROM channels WHERE code = ?", code));
    }

    @Test
    void aNulInAShipmentCarrierIsA400() {
        String orderId = Api.as(Tokens.channel(channel)).body(Api.order(Ids.unique("SHIP"), sku, 1)).post("/v1/orders")
                .then().statusCode(201).extract().path("id");
        String before = Db.snapshot();
        assertRefused(Api.as(Tokens.fulfillment()).body("{\"location\":\"" + location + "\",\"lines\":[{\"sku\":\""
                + sku + "\",\"quantity\":1}],\"carrier\":\"DHL" + NUL + "\",\"trackingNumber\":\"T1\"}")
                .post("/v1/orders/{id}/shipments", orderId), "carrier");
        assertEquals(before, Db.snapshot());
        Db.assertInvariants();
    }

    @Test
    void aNulInAQueryOrPathParameterIsA400NamingTheParameter() {
        assertRefused(given().urlEncodingEnabled(false).auth().oauth2(Tokens.admin()).get("/v1/orders?sku=%00"), "sku");
        assertRefused(given().urlEncodingEnabled(false).auth().oauth2(Tokens.admin())
                .get("/v1/orders?channel=a%00b"), "channel");
        assertRefused(given().urlEncodingEnabled(false).auth().oauth2(Tokens.admin()).get("/v1/channels/a%00b"), "code");
        assertRefused(given().urlEncodingEnabled(false).auth().oauth2(Tokens.admin())
                .get("/v1/stock/A%00B"), "sku");
    }

    @Test
    void aNulInTheInboundPathIsA400WithoutAnyTokenOrSignature() {
        String before = Db.snapshot();
        assertRefused(given().urlEncodingEnabled(false).contentType("application/json").body("{}")
                .post("/v1/inbound/a%00b/orders"), "channel");
        assertRefused(given().urlEncodingEnabled(false).contentType("application/json").body("{}")
                .header("webhook-id", "msg_1").header("webhook-timestamp", "1").header("webhook-signature", "v1,x")
                .post("/v1/inbound/a%00b/orders"), "channel");
        assertEquals(before, Db.snapshot());
    }

    @Test
    void oneUnstorableOrderInABatchFailsAloneAndTheOthersArePlaced() {
        String good = orderJson(Ids.unique("B-OK"), "Ana Silva");
        String nul = orderJson(Ids.unique("B-NUL"), "Ana " + NUL);
        String overflow = orderJson(Ids.unique("B-BIG"), "Ana Silva").replace("\"quantity\":1", "\"quantity\":1000")
                .replace("\"unitPrice\":\"10.00\"", "\"unitPrice\":\"999999999999\"");
        JsonPath result = Api.as(Tokens.channel(channel)).body("{\"orders\":[" + good + "," + nul + "," + overflow + "]}")
                .post("/v1/orders/batch").then().statusCode(200).extract().jsonPath();
        assertEquals(201, result.getInt("results[0].status"));
        assertEquals(400, result.getInt("results[1].status"));
        assertEquals("customer.name", result.getString("results[1].problem.errors[0].field"));
        assertEquals(400, result.getInt("results[2].status"));
        assertEquals("lines[0]", result.getString("results[2].problem.errors[0].field"));
        Db.assertInvariants();
    }

    @Test
    void aTotalTheMoneyColumnsCannotStoreIsA400() {
        String before = Db.snapshot();
        // one line: 1000 x 999999999999 = 999999999999000 > 99999999999999.9999
        String oneLine = orderJson(Ids.unique("BIG"), "Ana Silva").replace("\"quantity\":1", "\"quantity\":1000")
                .replace("\"unitPrice\":\"10.00\"", "\"unitPrice\":\"999999999999\"");
        assertRefused(Api.as(Tokens.channel(channel)).body(oneLine).post("/v1/orders"), "lines[0]");
        // each line fits, their sum does not: 2 x (100000 x 900000000) = 1.8e14
        JsonObject order = new JsonObject(orderJson(Ids.unique("BIG"), "Ana Silva"));
        JsonObject line = new JsonObject().put("sku", sku).put("quantity", 100000).put("unitPrice", "900000000");
        order.put("lines", new io.vertx.core.json.JsonArray().add(line).add(line.copy()));
        assertRefused(Api.as(Tokens.channel(channel)).body(order.encode()).post("/v1/orders"), "lines");
        assertEquals(before, Db.snapshot());
        // the largest total that fits is still accepted: 99999999999999.9999 would need stock; 1 x the max unit price
        Api.as(Tokens.channel(channel)).body(orderJson(Ids.unique("MAX"), "Ana Silva")
                .replace("\"unitPrice\":\"10.00\"", "\"unitPrice\":\"999999999999.99\"")).post("/v1/orders")
                .then().statusCode(201).body("total", equalTo("999999999999.99"));
        Db.assertInvariants();
    }

    @Test
    void aBadQueryValueIsA400NamingTheParameter() {
        assertRefused(Api.asAdmin().get("/v1/orders?status=bogus"), "status");
        Api.asAdmin().get("/v1/orders?status=bogus").then().body("errors[0].message", containsString("ACCEPTED"));
        assertRefused(Api.asAdmin().get("/v1/orders?limit=abc"), "limit");
        assertRefused(Api.asAdmin().get("/v1/orders?limit=1.5"), "limit");
        assertRefused(Api.asAdmin().get("/v1/orders?limit=0"), "limit");
        assertRefused(Api.asAdmin().get("/v1/orders?createdFrom=yesterday"), "createdFrom");
        assertRefused(Api.asAdmin().get("/v1/orders?createdTo=2026-13-01T00:00:00Z"), "createdTo");
        assertRefused(Api.asAdmin().get("/v1/webhooks/{id}/deliveries?status=x", UUID.randomUUID()), "status");
        assertRefused(Api.asAdmin().get("/v1/webhooks/{id}/deliveries?limit=many", UUID.randomUUID()), "limit");
        // good values still work, and a path that names no resource is still a 404
        Api.asAdmin().get("/v1/orders?status=ACCEPTED&limit=5").then().statusCode(200);
        Api.asAdmin().get("/v1/orders/not-a-uuid").then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void aBodyWithoutContentTypeIs415AndReservesNothing() throws Exception {
        String before = Db.snapshot();
        HttpResponse<String> response = postUntyped("/v1/orders", Tokens.channel(channel),
                orderJson(Ids.unique("NOCT"), "Ana Silva"));
        assertEquals(415, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("application/problem+json"));
        assertEquals(415, new JsonObject(response.body()).getInteger("status"));
        assertEquals(415, postUntyped("/v1/channels", Tokens.admin(),
                "{\"code\":\"noct\",\"name\":\"n\",\"type\":\"WEB\"}").statusCode());
        assertEquals(415, postUntyped("/v1/stock/" + sku + "/" + location + "/adjustments", Tokens.admin(),
                "{\"delta\":1,\"reason\":\"r\"}").statusCode());
        assertEquals(415, postUntyped("/v1/inbound/" + channel + "/orders", null, "{}").statusCode());
        for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "application/octet-stream",
                "application/xml")) {
            HttpResponse<String> typed = send("POST", "/v1/orders", Tokens.channel(channel),
                    orderJson(Ids.unique("CT"), "Ana Silva"), type);
            assertEquals(415, typed.statusCode(), type + ": " + typed.body());
            assertTrue(typed.headers().firstValue("content-type").orElse("").startsWith("application/problem+json"));
        }
        assertEquals(before, Db.snapshot(), "no order, no reservation");
    }

    @Test
    void jsonWithACharsetParameterIsStillAccepted() {
        String code = "cs-" + Ids.unique("x").toLowerCase();
        given().auth().oauth2(Tokens.admin()).contentType("application/json; charset=utf-8")
                .body("{\"code\":\"" + code + "\",\"name\":\"n\",\"type\":\"WEB\"}").post("/v1/channels")
                .then().statusCode(201);
        given().auth().oauth2(Tokens.channel(channel)).contentType("application/json;charset=UTF-8")
                .body(orderJson(Ids.unique("CS"), "Ana Silva")).post("/v1/orders").then().statusCode(201);
        Db.assertInvariants();
    }

    /**
     * Every operation the OpenAPI document says takes a body, called without a {@code Content-Type}: each is a 415
     * before anything else is looked at (the ids in the path need not exist).
     */
    @Test
    void everyEndpointThatTakesABodyRefusesOneWithoutContentType() throws Exception {
        Map<String, Object> paths = given().accept("application/json").get("/q/openapi?format=json")
                .then().statusCode(200).extract().jsonPath().getMap("paths");
        List<String> checked = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, Object> path : paths.entrySet()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> operations = (Map<String, Object>) path.getValue();
            for (Map.Entry<String, Object> operation : operations.entrySet()) {
                if (!(operation.getValue() instanceof Map<?, ?> spec) || !spec.containsKey("requestBody")) {
                    continue;
                }
                String method = operation.getKey().toUpperCase();
                String concrete = path.getKey().replace("{id}", UUID.randomUUID().toString())
                        .replace("{deliveryId}", UUID.randomUUID().toString())
                        .replace("{sku}", "NO-SUCH-SKU").replace("{location}", "nowhere")
                        .replace("{locationCode}", "nowhere").replace("{code}", "nowhere")
                        .replace("{channel}", "nowhere");
                HttpResponse<String> response = send(method, concrete, Tokens.admin(), "{}", null);
                checked.add(method + " " + path.getKey());
                if (response.statusCode() != 415 || !response.body().contains("\"status\":415")) {
                    failures.add(method + " " + path.getKey() + " -> " + response.statusCode() + " " + response.body());
                }
            }
        }
        assertTrue(checked.size() >= 15, "the OpenAPI document lists the body endpoints: " + checked);
        assertTrue(checked.contains("POST /v1/orders") && checked.contains("PATCH /v1/webhooks/{id}"), checked.toString());
        assertEquals(List.of(), failures);
    }

    private HttpResponse<String> postUntyped(String path, String token, String body) throws Exception {
        return send("POST", path, token, body, null);
    }

    private HttpResponse<String> send(String method, String path, String token, String body, String contentType)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(root.resolve(path))
                .method(method, HttpRequest.BodyPublishers.ofString(body)).header("Accept", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String orderJson(String externalId, String customerName) {
        Map<String, Object> order = new HashMap<>(Api.order(externalId, sku, 1));
        return new JsonObject(order).put("customer", new JsonObject().put("email", "ana@example.com")
                .put("name", "NAME")).encode().replace("\"NAME\"", "\"" + customerName + "\"");
    }

    private static void assertRefused(Response response, String field) {
        response.then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:ordo:problem:validation"))
                .body("errors.field", hasItem(field))
                .body(not(containsString("Exception")));
    }
}
