package io.ordo.common;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.ordo.support.Api;
import io.ordo.support.Db;
import io.ordo.support.PostgresTestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * What a PostgreSQL restart does to the pool's open connections: the server terminates every one of them
 * ({@code pg_terminate_backend}, as a shutdown does: 57P01). Requests right after see either a fresh connection
 * (200) or the dropped one (503 with Retry-After), never a 500; and the service recovers by itself.
 */
@QuarkusTest
class DatabaseConnectionsDroppedTest {

    @Test
    void requestsOnTerminatedConnectionsAre200Or503NeverA500() {
        for (int i = 0; i < 5; i++) {
            Api.asAdmin().get("/v1/locations").then().statusCode(200); // warm the pool
        }
        List<String> seen = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            Db.count("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = ? "
                    + "AND application_name = 'vertx-pg-client'", PostgresTestDatabase.NAME);
            for (int i = 0; i < 10; i++) {
                Response response = Api.asAdmin().get("/v1/locations");
                seen.add(String.valueOf(response.statusCode()));
                assertTrue(response.statusCode() == 200 || response.statusCode() == 503,
                        "200 or 503, got " + response.statusCode() + ": " + response.asString());
                if (response.statusCode() == 503) {
                    assertTrue(response.header("Retry-After") != null, "503 carries Retry-After");
                }
            }
        }
        System.out.println("statuses after terminating the pool's connections: " + seen);
        Api.asAdmin().get("/v1/locations").then().statusCode(200);
    }
}
