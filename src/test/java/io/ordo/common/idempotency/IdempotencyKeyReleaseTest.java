package io.ordo.common.idempotency;

import static io.ordo.support.Api.as;
import static io.ordo.support.Api.asAdmin;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.ordo.support.Api;
import io.ordo.support.Db;
import io.ordo.support.Ids;
import io.ordo.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Issue 20 item 5: a request that ended with an unexpected error while the database was away could not write the
 * release of its Idempotency-Key, and every retry answered 409 request-in-flight for the whole lease (60 s). The
 * database "being away" is injected here with triggers that make exactly the statements in question fail: the order's
 * insert (the request's error), the key's release and the key's completion, each for keys named {@code blip-*} only
 * and, where counted, for the first N statements (a sequence counts them: it is not rolled back with them).
 */
@QuarkusTest
class IdempotencyKeyReleaseTest {

    @AfterEach
    void liftFaultsAndCheckInvariants() {
        Db.exec("DROP TRIGGER IF EXISTS test_blip_keys ON idempotency_keys");
        Db.exec("DROP TRIGGER IF EXISTS test_blip_orders ON orders");
        Db.exec("DROP FUNCTION IF EXISTS test_blip_keys()");
        Db.exec("DROP FUNCTION IF EXISTS test_blip_orders()");
        Db.exec("DROP SEQUENCE IF EXISTS test_blip_releases");
        Db.exec("DROP SEQUENCE IF EXISTS test_blip_completions");
        Db.assertInvariants();
    }

    /** The first {@code releases} releases and {@code completions} completions of blip-* keys fail. */
    private static void failKeyWrites(int releases, int completions) {
        Db.exec("CREATE SEQUENCE test_blip_releases");
        Db.exec("CREATE SEQUENCE test_blip_completions");
        Db.exec("""
                CREATE FUNCTION test_blip_keys() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.key LIKE 'blip-%%' AND OLD.state = 'IN_FLIGHT' THEN
                        IF NEW.state = 'IN_FLIGHT' AND NEW.locked_until < now() THEN
                            IF nextval('test_blip_releases') <= %d THEN
                                RAISE EXCEPTION 'injected: the database is away (release)';
                            END IF;
                        ELSIF NEW.state = 'DONE' THEN
                            IF nextval('test_blip_completions') <= %d THEN
                                RAISE EXCEPTION 'injected: the database is away (completion)';
                            END IF;
                        END IF;
                    END IF;
                    RETURN NEW;
                END
                $$""".formatted(releases, completions));
        Db.exec("CREATE TRIGGER test_blip_keys BEFORE UPDATE ON idempotency_keys FOR EACH ROW "
                + "EXECUTE FUNCTION test_blip_keys()");
    }

    /** Orders whose externalId starts with BLIP- cannot be inserted (the request fails with an unexpected error). */
    private static void failOrderInserts() {
        Db.exec("""
                CREATE FUNCTION test_blip_orders() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.external_id LIKE 'BLIP-%' THEN
                        RAISE EXCEPTION 'injected: the database is away (order)';
                    END IF;
                    RETURN NEW;
                END
                $$""");
        Db.exec("CREATE TRIGGER test_blip_orders BEFORE INSERT ON orders FOR EACH ROW "
                + "EXECUTE FUNCTION test_blip_orders()");
    }

    private static void databaseIsBackForOrders() {
        Db.exec("DROP TRIGGER test_blip_orders ON orders");
    }

    private static String leaseOf(String key) {
        return Db.strings("SELECT state || ',' || (locked_until > now()) FROM idempotency_keys WHERE key = ?", key)
                .get(0);
    }

    @Test
    void aReleaseThatCouldNotBeWrittenIsWrittenInTheBackgroundOnceTheDatabaseIsBack() throws InterruptedException {
        String channel = Api.createChannel(Ids.unique("blip"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("BL");
        Api.setStock(sku, location, 5);
        String key = Ids.unique("blip-key");
        Map<String, Object> body = Api.order(Ids.unique("BLIP-"), sku, 1);
        failOrderInserts();
        failKeyWrites(2, 0); // the release at the failure and the first background retry fail

        as(Tokens.channel(channel)).header("Idempotency-Key", key).body(body).post("/v1/orders").then()
                .statusCode(greaterThanOrEqualTo(500));
        assertEquals("IN_FLIGHT,true", leaseOf(key), "the release could not be written: the key is still leased");
        databaseIsBackForOrders();

        long start = System.nanoTime();
        while (leaseOf(key).endsWith("true") && System.nanoTime() - start < Duration.ofSeconds(20).toNanos()) {
            Thread.sleep(100);
        }
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        assertEquals("IN_FLIGHT,false", leaseOf(key), "the release was written by the background retry");
        assertTrue(waited.compareTo(Duration.ofSeconds(20)) < 0, "well within the 60 s lease: " + waited);

        // a retry on any instance now takes the key over and places the order once
        String resourceId = Db.strings("SELECT resource_id::text FROM idempotency_keys WHERE key = ?", key).get(0);
        as(Tokens.channel(channel)).header("Idempotency-Key", key).body(body).post("/v1/orders").then()
                .statusCode(201).body("id", equalTo(resourceId));
        assertEquals(List.of("DONE,201,2"), Db.strings(
                "SELECT state || ',' || response_status || ',' || attempt FROM idempotency_keys WHERE key = ?", key));
        asAdmin().get("/v1/stock/{sku}", sku).then().body("reserved", equalTo(1));
    }

    @Test
    void aRetryOnTheInstanceWhoseRequestEndedTakesTheKeyOverAtOnce() {
        String channel = Api.createChannel(Ids.unique("blip"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("BT");
        Api.setStock(sku, location, 5);
        String key = Ids.unique("blip-key");
        Map<String, Object> body = Api.order(Ids.unique("BLIP-"), sku, 1);
        failOrderInserts();
        failKeyWrites(1_000_000, 0); // every release fails while the database is away

        as(Tokens.channel(channel)).header("Idempotency-Key", key).body(body).post("/v1/orders").then()
                .statusCode(greaterThanOrEqualTo(500));
        assertEquals("IN_FLIGHT,true", leaseOf(key));

        // the database comes back; the client retries at once, on this instance: no 409 request-in-flight
        Db.exec("DROP TRIGGER test_blip_keys ON idempotency_keys");
        databaseIsBackForOrders();
        long start = System.nanoTime();
        as(Tokens.channel(channel)).header("Idempotency-Key", key).body(body).post("/v1/orders").then()
                .statusCode(201);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "the retry did not wait for the lease: " + took);
        assertEquals(List.of("DONE,201,2"), Db.strings(
                "SELECT state || ',' || response_status || ',' || attempt FROM idempotency_keys WHERE key = ?", key));
        asAdmin().get("/v1/stock/{sku}", sku).then().body("reserved", equalTo(1));
    }

    @Test
    void anOrderWhoseKeyCompletionWasLostIsTheAnswerOfTheRetry() {
        String channel = Api.createChannel(Ids.unique("blip"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("BC");
        Api.setStock(sku, location, 1); // a second placement would be short
        String key = Ids.unique("blip-key");
        String externalId = Ids.unique("BC-");
        Map<String, Object> body = Api.order(externalId, sku, 1);
        failKeyWrites(0, 1); // the order commits, then the key's completion fails

        as(Tokens.channel(channel)).header("Idempotency-Key", key).body(body).post("/v1/orders").then()
                .statusCode(greaterThanOrEqualTo(500));
        assertEquals("IN_FLIGHT,false", leaseOf(key), "the failed completion released the key");
        String resourceId = Db.strings("SELECT resource_id::text FROM idempotency_keys WHERE key = ?", key).get(0);
        as(Tokens.channel(channel)).header("Idempotency-Key", key).body(body).post("/v1/orders").then()
                .statusCode(201).body("id", equalTo(resourceId), "externalId", equalTo(externalId));
        assertEquals(1, Db.count("SELECT count(*) FROM orders WHERE channel = ?", channel));
        asAdmin().get("/v1/stock/{sku}", sku).then().body("reserved", equalTo(1));
    }
}
