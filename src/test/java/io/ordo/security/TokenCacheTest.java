package io.ordo.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Set;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.ordo.support.Api;
import io.ordo.support.Ids;
import io.ordo.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Verified tokens are remembered (ordo.security.token-cache): a token used again is not verified again, and the
 * identity it then gives is the same one, roles and channel included; nothing else changes: an expired token is
 * refused even though it was accepted a moment ago, a refused token is never remembered.
 */
@QuarkusTest
class TokenCacheTest {
    @Inject
    MeterRegistry registry;

    @Inject
    VerifiedTokens tokens;

    private double count(String result) {
        return registry.counter("ordo.security.token.cache", "result", result).count();
    }

    @Test
    void aTokenUsedAgainIsFoundInTheCacheAndActsWithTheSameRolesAndChannel() {
        String mine = Api.createChannel(Ids.unique("tc"));
        String other = Api.createChannel(Ids.unique("tc"));
        String token = Tokens.channel(mine);
        double hits = count("hit");
        double misses = count("miss");
        for (int i = 0; i < 3; i++) {
            // a channel token sees its own channel only; another one is a 404; an admin-only action is a 403
            given().auth().oauth2(token).get("/v1/channels").then().statusCode(200)
                    .body("items.code", contains(mine));
            given().auth().oauth2(token).get("/v1/channels/{code}", other).then().statusCode(404);
            Api.as(token).body("{\"code\":\"x\",\"name\":\"x\",\"type\":\"WEB\"}").post("/v1/channels").then()
                    .statusCode(403);
        }
        assertEquals(misses + 1, count("miss"), "verified once");
        assertEquals(hits + 8, count("hit"), "then found eight times");
    }

    @Test
    void aTokenIsRefusedOnceItExpiresAlthoughItWasAcceptedFromTheCache() {
        long now = System.currentTimeMillis() / 1000;
        String token = Tokens.adminIssuedAt(now, now + 2);
        given().auth().oauth2(token).get("/v1/locations").then().statusCode(200);
        given().auth().oauth2(token).get("/v1/locations").then().statusCode(200);
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                .until(() -> given().auth().oauth2(token).get("/v1/locations").statusCode() == 401);
        TokenPolicyTest.assertUnauthorized(given().auth().oauth2(token).get("/v1/locations"));
    }

    @Test
    void aRefusedTokenIsNeverRemembered() {
        int size = tokens.size();
        double misses = count("miss");
        for (String refused : Set.of(Tokens.tampered(), Tokens.expired(), Tokens.adminIssuedAt(
                System.currentTimeMillis() / 1000 - 13 * 3600, System.currentTimeMillis() / 1000 + 3600))) {
            TokenPolicyTest.assertUnauthorized(given().auth().oauth2(refused).get("/v1/locations"));
            TokenPolicyTest.assertUnauthorized(given().auth().oauth2(refused).get("/v1/locations"));
        }
        assertEquals(misses + 6, count("miss"), "each refused token checked again every time");
        assertEquals(size, tokens.size());
    }
}
