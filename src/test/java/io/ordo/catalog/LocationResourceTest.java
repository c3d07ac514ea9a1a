package io.ordo.catalog;

import static io.ordo.support.Api.as;
import static io.ordo.support.Api.asAdmin;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.ordo.support.Api;
import io.ordo.support.Ids;
import io.ordo.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class LocationResourceTest {

    @Test
    void adminCreatesALocation() {
        String code = Ids.unique("WH");
        asAdmin().body(Map.of("code", code, "name", "Lisbon warehouse", "type", "WAREHOUSE", "priority", 10))
                .post("/v1/locations")
                .then().statusCode(201)
                .header("Location", endsWith("/v1/locations/" + code))
                .body("code", equalTo(code), "type", equalTo("WAREHOUSE"), "priority", equalTo(10));
        as(Tokens.channel("any")).get("/v1/locations/{code}", code).then().statusCode(200)
                .body("name", equalTo("Lisbon warehouse"));
    }

    @Test
    void locationsAreListedInReservationOrder() {
        String late = Api.createLocation(Ids.unique("ST"), 900_000);
        String early = Api.createLocation(Ids.unique("WH"), 0);
        List<String> codes = as(Tokens.fulfillment()).get("/v1/locations").then().statusCode(200)
                .body("items.size()", greaterThan(1)).extract().path("items.code");
        assertTrue(codes.indexOf(early) < codes.indexOf(late), "priority 0 must come before 900000");
    }

    @Test
    void aDuplicateLocationIsAConflict() {
        String code = Api.createLocation(Ids.unique("WH"), 5);
        asAdmin().body(Map.of("code", code, "name", "Again", "type", "STORE", "priority", 1))
                .post("/v1/locations")
                .then().statusCode(409).contentType("application/problem+json");
    }
}
