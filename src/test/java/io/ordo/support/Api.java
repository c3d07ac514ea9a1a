package io.ordo.support;

import static io.restassured.RestAssured.given;

import java.util.Map;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** REST Assured shortcuts: requests as a given role, and the catalogue set-up most tests need. */
public final class Api {
    private Api() {
    }

    public static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).accept(ContentType.JSON);
    }

    public static RequestSpecification asAdmin() {
        return as(Tokens.admin());
    }

    public static String createChannel(String code) {
        asAdmin().body(Map.of("code", code, "name", "Channel " + code, "type", "WEB"))
                .post("/v1/channels").then().statusCode(201);
        return code;
    }

    public static String createLocation(String code, int priority) {
        asAdmin().body(Map.of("code", code, "name", "Location " + code, "type", "WAREHOUSE", "priority", priority))
                .post("/v1/locations").then().statusCode(201);
        return code;
    }

    public static void setStock(String sku, String location, int onHand) {
        asAdmin().body(Map.of("onHand", onHand)).put("/v1/stock/{sku}/{location}", sku, location)
                .then().statusCode(200);
    }

    /** An order body with the given lines ({@code sku, quantity} pairs) at 10.00 each. */
    public static Map<String, Object> order(String externalId, Object... skuQuantityPairs) {
        java.util.List<Map<String, Object>> lines = new java.util.ArrayList<>();
        for (int i = 0; i < skuQuantityPairs.length; i += 2) {
            lines.add(Map.of("sku", skuQuantityPairs[i], "quantity", skuQuantityPairs[i + 1], "unitPrice", "10.00"));
        }
        return Map.of("externalId", externalId, "currency", "EUR",
                "customer", Map.of("email", "ana@example.com", "name", "Ana Silva"),
                "shippingAddress", Map.of("line1", "Rua A 1", "city", "Lisboa", "postalCode", "1000-001", "country", "PT"),
                "lines", lines);
    }

    /** A hold of {@code quantity} units for a channel, returning its id. */
    public static String hold(String channel, String sku, int quantity) {
        return as(Tokens.channel(channel)).body(Map.of("lines", java.util.List.of(Map.of("sku", sku, "quantity", quantity))))
                .post("/v1/holds").then().statusCode(201).extract().path("id");
    }
}
