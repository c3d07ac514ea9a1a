package io.ordo.common;

import static io.ordo.support.Api.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.ordo.support.Api;
import io.ordo.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The real reactive PostgreSQL client pointed at a port where nothing listens (the database is down): requests that
 * need the database answer 503 {@code urn:ordo:problem:service-unavailable} with {@code Retry-After}, never a 500.
 * Flyway still migrates the real test database through JDBC, so the application starts as it would.
 */
@QuarkusTest
@TestProfile(DatabaseUnavailableTest.Unreachable.class)
class DatabaseUnavailableTest {

    public static class Unreachable implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.datasource.reactive.url", "postgresql://127.0.0.1:" + closedPort() + "/ordo_unreachable",
                    "ordo.outbox.relay-enabled", "false", "ordo.webhooks.workers-enabled", "false");
        }
    }

    @Test
    void readsAndWritesAre503WithRetryAfter() {
        Api.asAdmin().get("/v1/locations").then().log().ifValidationFails().statusCode(503)
                .contentType(startsWith("application/problem+json"))
                .header("Retry-After", "5")
                .body("type", equalTo("urn:ordo:problem:service-unavailable"))
                .body("status", equalTo(503));
        as(Tokens.channel("web")).body(Api.order("DOWN-1", "SKU-DOWN", 1)).post("/v1/orders").then()
                .log().ifValidationFails().statusCode(503).header("Retry-After", "5")
                .body("type", equalTo("urn:ordo:problem:service-unavailable"));
        Api.asAdmin().contentType("application/json").body(Map.of("code", "DOWN", "name", "Down", "type", "WEB"))
                .post("/v1/channels").then().log().ifValidationFails().statusCode(503).header("Retry-After", "5");
    }

    static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
