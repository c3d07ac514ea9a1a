package io.ordo.common;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Malformed and invalid requests: each gets a 4xx problem+json that names what is wrong, and the database is left
 * exactly as it was.
 */
@QuarkusTest
class BadInputTest {
    static final String SKU = "BAD-INPUT-SKU";
    static String location;

    @BeforeEach
    void catalogue() {
        if (location == null) {
            location = Api.createLocation(Ids.unique("WH"), 1);
            Api.setStock(SKU, location, 10);
        }
    }

    static Stream<Arguments> badBodies() {
        return Stream.of(
                // path, body, status, field (or null when the problem has no field errors)
                Arguments.of("/v1/channels", "{\"code\":\"c1\",\"name\":\"n\",\"type\":\"WEB\",\"extra\":1}", 400, "extra"),
                Arguments.of("/v1/channels", "{\"code\":\"c1\",\"name\":\"n\",\"type\":\"SPACESHIP\"}", 400, "type"),
                Arguments.of("/v1/channels", "{\"code\":\"c1\",\"name\":\"n\",\"type\":1}", 400, "type"),
                Arguments.of("/v1/channels", "{\"code\":\"c1\",\"name\":\"n\"}", 400, "type"),
                Arguments.of("/v1/channels", "{\"code\":\"has space\",\"name\":\"n\",\"type\":\"WEB\"}", 400, "code"),
                Arguments.of("/v1/channels", "{\"code\":\"c1\",\"name\":\"   \",\"type\":\"WEB\"}", 400, "name"),
                Arguments.of("/v1/channels", "{\"code\":\"c1\",\"name\":\"" + "x".repeat(201) + "\",\"type\":\"WEB\"}", 400, "name"),
                Arguments.of("/v1/channels", "{\"code\":42,\"name\":\"n\",\"type\":\"WEB\"}", 400, "code"),
                Arguments.of("/v1/channels", "{\"code\":\"c1\",\"code\":\"c2\",\"name\":\"n\",\"type\":\"WEB\"}", 400, null),
                Arguments.of("/v1/channels", "{\"code\":\"c1\",\"name\":\"n\",\"type\":\"WEB\"} trailing", 400, null),
                Arguments.of("/v1/channels", "{\"code\":\"c1\",", 400, null),
                Arguments.of("/v1/channels", "[]", 400, "$"),
                Arguments.of("/v1/channels", "null", 400, null),
                Arguments.of("/v1/channels", "", 400, null),
                Arguments.of("/v1/locations", "{\"code\":\"L1\",\"name\":\"n\",\"type\":\"STORE\",\"priority\":1.5}", 400, "priority"),
                Arguments.of("/v1/locations", "{\"code\":\"L1\",\"name\":\"n\",\"type\":\"STORE\",\"priority\":\"3\"}", 400, "priority"),
                Arguments.of("/v1/locations", "{\"code\":\"L1\",\"name\":\"n\",\"type\":\"STORE\",\"priority\":-1}", 400, "priority"),
                Arguments.of("/v1/locations", "{\"code\":\"L1\",\"name\":\"n\",\"type\":\"STORE\",\"priority\":99999999999}", 400, "priority"),
                Arguments.of("/v1/locations", "{\"code\":\"L1\",\"name\":\"n\",\"type\":\"STORE\",\"priority\":true}", 400, "priority"),
                Arguments.of("/v1/locations", "{\"code\":\"L1\",\"name\":\"n\",\"type\":\"STORE\"}", 400, "priority"),
                Arguments.of("/v1/locations", "{\"code\":\"L1\",\"name\":\"n\",\"type\":\"STORE\",\"priority\":null}", 400, "priority"),
                Arguments.of("/v1/stock/" + SKU + "/{location}/adjustments", "{\"delta\":0,\"reason\":\"r\"}", 400, "delta"),
                Arguments.of("/v1/stock/" + SKU + "/{location}/adjustments", "{\"delta\":1}", 400, "reason"),
                Arguments.of("/v1/stock/" + SKU + "/{location}/adjustments", "{\"delta\":\"1\",\"reason\":\"r\"}", 400, "delta"),
                Arguments.of("/v1/stock/" + SKU + "/{location}/adjustments", "{\"delta\":2000000000,\"reason\":\"r\"}", 400, "delta"),
                Arguments.of("/v1/stock/" + SKU + "/{location}/adjustments", "{\"delta\":-1e3,\"reason\":\"r\"}", 400, "delta"),
                Arguments.of("/v1/stock/bad%20sku/{location}/adjustments", "{\"delta\":1,\"reason\":\"r\"}", 400, "sku"));
    }

    @ParameterizedTest(name = "[{index}] POST {0} {1} -> {2}")
    @MethodSource("badBodies")
    void aBadBodyIsAProblemAndChangesNothing(String path, String body, int status, String field) {
        String before = Db.snapshot();
        Response response = given().auth().oauth2(Tokens.admin()).contentType("application/json")
                .body(body).post(path.replace("{location}", location));
        response.then().statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status), "title", notNullValue(), "detail", notNullValue())
                .body(not(containsString("Exception")))
                .body(not(containsString("at io.")));
        if (field != null) {
            response.then().body("errors.field", hasItem(field));
        }
        assertEquals(before, Db.snapshot(), "a refused request must change nothing");
    }

    static Stream<Arguments> badCounts() {
        return Stream.of(
                Arguments.of("{\"onHand\":-1}", "onHand"),
                Arguments.of("{\"onHand\":1000000001}", "onHand"),
                Arguments.of("{\"onHand\":1.0}", "onHand"),
                Arguments.of("{\"onHand\":\"10\"}", "onHand"),
                Arguments.of("{}", "onHand"),
                Arguments.of("{\"onHand\":5,\"reserved\":0}", "reserved"));
    }

    @ParameterizedTest(name = "[{index}] PUT stock {0}")
    @MethodSource("badCounts")
    void aBadCountIsRefused(String body, String field) {
        String before = Db.snapshot();
        Api.asAdmin().body(body).put("/v1/stock/{sku}/{location}", SKU, location)
                .then().statusCode(400).contentType("application/problem+json").body("errors.field", hasItem(field));
        assertEquals(before, Db.snapshot());
    }

    @Test
    void theWrongContentTypeIs415() {
        String before = Db.snapshot();
        given().auth().oauth2(Tokens.admin()).contentType("text/plain").body("code=x")
                .post("/v1/channels")
                .then().statusCode(415).contentType("application/problem+json").body("status", equalTo(415));
        assertEquals(before, Db.snapshot());
    }

    @Test
    void aBodyOverOneMegabyteIs413() {
        String before = Db.snapshot();
        String huge = "{\"code\":\"c1\",\"name\":\"" + "x".repeat(1_100_000) + "\",\"type\":\"WEB\"}";
        given().auth().oauth2(Tokens.admin()).contentType("application/json").body(huge)
                .post("/v1/channels")
                .then().statusCode(413).contentType("application/problem+json").body("status", equalTo(413));
        assertEquals(before, Db.snapshot());
    }

    @Test
    void anUnsupportedMethodIs405() {
        given().auth().oauth2(Tokens.admin()).delete("/v1/locations")
                .then().statusCode(405).contentType("application/problem+json");
    }

    @Test
    void fieldErrorsAreAllReportedAtOnce() {
        Api.asAdmin().body("{\"code\":\"bad code\",\"name\":\"\",\"type\":\"STORE\",\"priority\":-5}")
                .post("/v1/locations")
                .then().statusCode(400)
                .body("type", equalTo("urn:ordo:problem:validation"))
                .body("errors.field", org.hamcrest.Matchers.containsInAnyOrder("code", "name", "priority"));
    }
}
