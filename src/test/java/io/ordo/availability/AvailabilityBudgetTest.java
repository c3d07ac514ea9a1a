package io.ordo.availability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.ordo.support.Api;
import io.ordo.support.Db;
import io.ordo.support.Ids;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The feed's budget ({@code ordo.availability.max-per-second}): when more SKUs change than it allows, the one nearest
 * to a stock-out is announced first, and the others follow later with their latest figures, none lost.
 */
@QuarkusTest
@TestProfile(AvailabilityBudgetTest.TwoPerSecond.class)
class AvailabilityBudgetTest {

    public static class TwoPerSecond implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ordo.availability.max-per-second", "2");
        }
    }

    @Test
    void aSkuRunningOutIsAnnouncedBeforeTheManyThatMerelyChangedAndNoneIsLost() {
        // what earlier test classes left unannounced in this database would compete for the tiny budget
        Db.exec("UPDATE stock SET availability_changed = false WHERE availability_changed");
        Db.exec("UPDATE sku_policies SET availability_changed = false WHERE availability_changed");
        String location = Api.createLocation(Ids.unique("WH"), 1);
        List<String> plenty = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String sku = Ids.unique("MANY");
            Db.exec("INSERT INTO stock (sku, location, on_hand) VALUES (?, ?, 100)", sku, location);
            plenty.add(sku);
        }
        String scarce = Ids.unique("LAST");
        Db.exec("INSERT INTO stock (sku, location, on_hand) VALUES (?, ?, 3)", scarce, location);
        // twelve SKUs change first, then the scarce one falls to its low-stock threshold (5 by default)
        for (String sku : plenty) {
            Db.exec("SELECT change_stock(gen_random_uuid(), 'ADJUSTMENT', ?, ?, -1, NULL, 'count', 'test', 1000000)", sku,
                    location);
        }
        Db.exec("SELECT change_stock(gen_random_uuid(), 'ADJUSTMENT', ?, ?, -1, NULL, 'count', 'test', 1000000)", scarce,
                location);

        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> Db.count("SELECT count(*) FROM availability_feed WHERE sku = ?", scarce) == 1);
        long plentyAnnounced = Db.count("SELECT count(*) FROM availability_feed WHERE sku = ANY (?::text[])",
                (Object) plenty.toArray(String[]::new));
        assertTrue(plentyAnnounced <= 2, "the scarce SKU came first, " + plentyAnnounced + " others before it");
        long announcedAvailable = Db.count("SELECT (payload ->> 'available')::int FROM outbox"
                + " WHERE type = 'stock.changed' AND payload ->> 'sku' = ?", scarce);
        assertEquals(2, announcedAvailable);

        // the rest follow at about two a second, each with its figures
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> Db.count("SELECT count(*) FROM availability_feed WHERE sku = ANY (?::text[])",
                        (Object) plenty.toArray(String[]::new)) == plenty.size());
        assertEquals(plenty.size(), Db.count("SELECT count(*) FROM outbox WHERE type = 'stock.changed'"
                + " AND payload ->> 'sku' = ANY (?::text[]) AND (payload ->> 'available')::int = 99",
                (Object) plenty.toArray(String[]::new)));
    }
    @Test
    void aSkuBackInStockIsAnnouncedBeforeTheManyThatMerelyChanged() {
        Db.exec("UPDATE stock SET availability_changed = false WHERE availability_changed");
        Db.exec("UPDATE sku_policies SET availability_changed = false WHERE availability_changed");
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String restocked = Ids.unique("BACK");
        Db.exec("INSERT INTO stock (sku, location, on_hand) VALUES (?, ?, 1)", restocked, location);
        Db.exec("SELECT change_stock(gen_random_uuid(), 'ADJUSTMENT', ?, ?, -1, NULL, 'count', 'test', 1000000)",
                restocked, location);
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> Db.count("SELECT count(*) FROM availability_feed WHERE sku = ? AND available = 0",
                        restocked) == 1);
        List<String> plenty = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String sku = Ids.unique("MANY");
            Db.exec("INSERT INTO stock (sku, location, on_hand) VALUES (?, ?, 100)", sku, location);
            plenty.add(sku);
        }
        for (String sku : plenty) {
            Db.exec("SELECT change_stock(gen_random_uuid(), 'ADJUSTMENT', ?, ?, -1, NULL, 'count', 'test', 1000000)", sku,
                    location);
        }
        // sold out and announced as 0; now back above its threshold: the storefront's badge turns
        Db.exec("SELECT change_stock(gen_random_uuid(), 'ADJUSTMENT', ?, ?, 50, NULL, 'count', 'test', 1000000)",
                restocked, location);

        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> Db.count("SELECT count(*) FROM availability_feed WHERE sku = ? AND available = 50",
                        restocked) == 1);
        long plentyAnnounced = Db.count("SELECT count(*) FROM availability_feed WHERE sku = ANY (?::text[])",
                (Object) plenty.toArray(String[]::new));
        assertTrue(plentyAnnounced <= 2, "the restocked SKU came first, " + plentyAnnounced + " others before it");
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> Db.count("SELECT count(*) FROM availability_feed WHERE sku = ANY (?::text[])",
                        (Object) plenty.toArray(String[]::new)) == plenty.size());
        assertEquals(0, Db.count("SELECT count(*) FROM stock WHERE sku = ? AND (availability_changed OR low_crossed)",
                restocked), "announced: its flags are cleared");
    }
}
