package io.ordo.ops;

import static io.ordo.support.Api.as;
import static io.ordo.support.Api.asAdmin;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.ordo.support.Api;
import io.ordo.support.Ids;
import io.ordo.support.Tokens;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Black-box checks against the packaged application (target/quarkus-app), started as its own process. */
@QuarkusIntegrationTest
class PackagedApplicationIT {

    @Test
    void thePackagedServiceIsHealthyAndServesTheCatalogue() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));

        String channel = Api.createChannel(Ids.unique("it-web"));
        String location = Api.createLocation(Ids.unique("IT-WH"), 1);
        Api.setStock("IT-SKU", location, 7);
        as(Tokens.fulfillment()).body(Map.of("delta", 3, "reason", "it"))
                .post("/v1/stock/{sku}/{location}/adjustments", "IT-SKU", location)
                .then().statusCode(201).body("onHand", equalTo(10));
        as(Tokens.channel(channel)).get("/v1/stock/{sku}", "IT-SKU").then().statusCode(200)
                .body("available", equalTo(10));
    }

    @Test
    void thePackagedServiceRefusesStrangersAndBadInput() {
        given().get("/v1/channels").then().statusCode(401);
        as(Tokens.fulfillment()).body(Map.of("code", "x", "name", "n", "type", "WEB")).post("/v1/channels")
                .then().statusCode(403).contentType("application/problem+json");
        asAdmin().body("{\"code\":\"x\",\"name\":\"n\",\"type\":\"WEB\",\"unknown\":true}").post("/v1/channels")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("unknown"));
    }
}
