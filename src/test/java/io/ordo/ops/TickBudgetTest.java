package io.ordo.ops;

import static io.ordo.support.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.ordo.support.Api;
import io.ordo.support.Db;
import io.ordo.support.Shop;
import io.ordo.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * A tick past its budget starts no new batch: with no budget at all, each duty runs its first batch only, the answer
 * says so, and the next ticks carry on until nothing is left.
 */
@QuarkusTest
@TestProfile(TickBudgetTest.NoBudget.class)
class TickBudgetTest {

    public static class NoBudget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.scheduler.enabled", "false", "ordo.outbox.relay-enabled", "false",
                    "ordo.webhooks.workers-enabled", "false", "ordo.ops.tick-budget", "0s",
                    "ordo.holds.sweep-batch-size", "2");
        }
    }

    @Test
    void aTickPastItsBudgetRunsOneBatchPerDutyAndTheNextTicksCarryOn() {
        Shop shop = Shop.create("budget", 10);
        String channel = shop.channel();
        String sku = shop.sku();
        for (int i = 0; i < 5; i++) {
            as(Tokens.channel(channel)).body(Map.of("lines", List.of(Map.of("sku", sku, "quantity", 1)), "ttlSeconds", 1))
                    .post("/v1/holds").then().statusCode(201);
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Db.count(
                "SELECT count(*) FROM holds WHERE channel = ? AND status = 'ACTIVE' AND expires_at > now()", channel) == 0);
        String ops = ScaleToZeroDrillTest.opsToken();

        JsonPath first = as(ops).post("/v1/ops/tick").then().statusCode(200).extract().jsonPath();
        assertTrue(first.getBoolean("complete"), first.prettify());
        assertTrue(first.getBoolean("budgetSpent"), first.prettify());
        assertEquals(2, Db.count("SELECT count(*) FROM holds WHERE channel = ? AND status = 'EXPIRED'", channel),
                "one batch of two");

        for (int tick = 0; tick < 5 && Db.count("SELECT count(*) FROM holds WHERE channel = ? AND status = 'ACTIVE'",
                channel) > 0; tick++) {
            as(ops).post("/v1/ops/tick").then().statusCode(200);
        }
        assertEquals(5, Db.count("SELECT count(*) FROM holds WHERE channel = ? AND status = 'EXPIRED'", channel));
        assertEquals(5, Db.count("SELECT count(*) FROM outbox o JOIN holds h ON h.id = o.aggregate_id "
                + "WHERE h.channel = ? AND o.type = 'hold.expired'", channel), "each expired once");
        assertEquals(0, Db.count("SELECT sum(reserved) FROM stock WHERE sku = ?", sku));
        JsonPath due = as(ops).get("/v1/ops/due").then().statusCode(200).extract().jsonPath();
        assertFalse(due.getMap("due").isEmpty());
        Db.assertInvariants();
    }
}
