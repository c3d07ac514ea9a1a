package io.ordo.security;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.ordo.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Tokens that verify on signature, issuer and exp but whose times are implausible are refused (401), with exactly
 * one {@code WWW-Authenticate} challenge like every other 401.
 */
@QuarkusTest
class TokenPolicyTest {
    static final long HOUR = 3600;

    static long now() {
        return System.currentTimeMillis() / 1000;
    }

    static Response get(String token) {
        return given().auth().oauth2(token).get("/v1/locations");
    }

    @Test
    void anOrdinaryTokenIsAccepted() {
        get(Tokens.adminIssuedAt(now(), now() + HOUR)).then().statusCode(200);
    }

    @Test
    void aTokenValidForTenYearsIsRefused() {
        assertUnauthorized(get(Tokens.adminIssuedAt(now(), now() + 10 * 365 * 24 * HOUR)));
    }

    @Test
    void aTokenIssuedInTheFutureIsRefusedBeyondTheClockSkew() {
        assertUnauthorized(get(Tokens.adminIssuedAt(now() + 600, now() + 600 + HOUR)));
        // within the default 60 s skew an issuer's clock may run ahead
        get(Tokens.adminIssuedAt(now() + 20, now() + HOUR)).then().statusCode(200);
    }

    @Test
    void aTokenIssuedLongerAgoThanTheMaximumLifetimeIsRefused() {
        // issued 13 h ago and still 1 h to run: its lifetime (14 h) exceeds the default 12 h
        assertUnauthorized(get(Tokens.adminIssuedAt(now() - 13 * HOUR, now() + HOUR)));
    }

    @Test
    void everyUnauthorizedAnswerCarriesOneChallenge() {
        assertUnauthorized(given().get("/v1/locations"));
        assertUnauthorized(given().auth().oauth2("not-a-token").get("/v1/locations"));
        assertUnauthorized(get(Tokens.tampered()));
        assertUnauthorized(get(Tokens.expired()));
        assertUnauthorized(given().auth().oauth2(Tokens.tampered()).contentType("application/json").body("{}")
                .post("/v1/channels"));
    }

    static void assertUnauthorized(Response response) {
        response.then().statusCode(401);
        List<String> challenges = response.headers().getValues("WWW-Authenticate");
        assertEquals(1, challenges.size(), "one WWW-Authenticate: " + challenges);
        assertEquals("Bearer", challenges.get(0).split(" ")[0]);
    }
}
