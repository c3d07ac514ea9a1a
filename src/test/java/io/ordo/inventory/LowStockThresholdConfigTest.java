package io.ordo.inventory;

import static io.ordo.support.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.ordo.support.Api;
import io.ordo.support.Db;
import io.ordo.support.Ids;
import io.ordo.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** ordo.stock.low-threshold reaches the SQL that detects low stock (a session setting of every reactive pool connection). */
@QuarkusTest
@TestProfile(LowStockThresholdConfigTest.ThresholdSeven.class)
class LowStockThresholdConfigTest {

    public static class ThresholdSeven implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ordo.stock.low-threshold", "7");
        }
    }

    @Test
    void theConfiguredThresholdIsTheDefault() {
        String channel = Api.createChannel(Ids.unique("seven"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("SEVEN");
        Api.setStock(sku, location, 10);
        as(Tokens.channel(channel)).body(Api.order("S-1", sku, 2)).post("/v1/orders").then().statusCode(201);
        assertEquals(List.of(), LowStockTest.lowEvents(sku, location)); // 8
        as(Tokens.channel(channel)).body(Api.order("S-2", sku, 1)).post("/v1/orders").then().statusCode(201);
        assertEquals(List.of("7:7#1"), LowStockTest.lowEvents(sku, location));
        Db.assertInvariants();
    }
}
