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
}
