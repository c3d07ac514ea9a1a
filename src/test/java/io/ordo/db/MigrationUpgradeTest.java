package io.ordo.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.ordo.support.PostgresTestDatabase;

/**
 * The migrations as a newcomer and an existing installation meet them: a database migrated by the files as they were
 * before every SQL function moved into the repeatable R__*_functions.sql files (src/test/resources/db/legacy, V1..V7 of
 * commit 43655ed) upgrades with today's db/migration, validates, and ends up with exactly the functions, bodies and
 * checksums of a fresh database. Plain Flyway and JDBC on two scratch databases; no application.
 */
class MigrationUpgradeTest {
    private static final String LEGACY = PostgresTestDatabase.NAME + "_legacy";
    private static final String FRESH = PostgresTestDatabase.NAME + "_fresh";
    private static final String[] R_FILES = { "R__fulfillment_functions.sql", "R__inventory_functions.sql",
            "R__orders_functions.sql", "R__outbox_functions.sql" };
    private static final String[] V_FILES = { "V1__catalog_and_stock.sql", "V2__orders_holds_idempotency.sql",
            "V3__outbox.sql", "V4__webhooks.sql", "V5__fulfillment.sql", "V6__intake_event_payload.sql",
            "V7__idempotency_resource_id.sql", "V8__order_currency_digits_and_obsolete_functions.sql" };

    @BeforeAll
    static void scratchDatabases() throws SQLException {
        try (Connection admin = connect("postgres"); Statement sql = admin.createStatement()) {
            for (String name : List.of(LEGACY, FRESH)) {
                sql.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
                sql.execute("CREATE DATABASE " + name);
            }
        }
    }

    @Test
    void aDatabaseMigratedByTheOldFilesUpgradesValidatesAndGetsTheSameFunctionsAsAFreshOne() throws SQLException {
        flyway(LEGACY, "classpath:db/legacy").migrate();
        String yen = placeWithTheOldFunctions("JPY", "3000");
        String euro = placeWithTheOldFunctions("EUR", "19.90");

        // without the beforeValidate callback the edited V2..V7 fail validation: the callback is what lets it start
        FlywayException refused = assertThrows(FlywayException.class,
                () -> Flyway.configure().dataSource(PostgresTestDatabase.jdbcUrl(LEGACY), "postgres", password())
                        .locations("classpath:db/migration").skipDefaultCallbacks(true).load().migrate());
        assertTrue(refused.getMessage().contains("checksum mismatch"), refused.getMessage());

        flyway(LEGACY, "classpath:db/migration").migrate();
        flyway(LEGACY, "classpath:db/migration").validate();
        flyway(FRESH, "classpath:db/migration").migrate();

        assertEquals(history(FRESH), history(LEGACY), "versions, checksums and repeatables as on a fresh database");
        Map<String, String> functions = functions(FRESH);
        assertEquals(functions, functions(LEGACY), "pg_get_functiondef of every function in public");
        assertFalse(functions.containsKey("append_order_event(uuid, integer, text, text, jsonb, text)"));
        assertFalse(functions.keySet().stream().anyMatch(f -> f.startsWith("new_order_json(")
                || f.startsWith("currency_digits(")), functions.keySet().toString());

        // the orders placed before the upgrade got their currency's minor units, and their document formats with them
        try (Connection db = connect(LEGACY); Statement sql = db.createStatement()) {
            assertEquals("0 3000", one(sql, "SELECT currency_digits || ' ' || (order_json(id) ->> 'total') FROM orders"
                    + " WHERE id = '" + yen + "'"));
            assertEquals("2 19.90 19.90", one(sql, "SELECT currency_digits || ' ' || (order_json(id) ->> 'total')"
                    + " || ' ' || (order_json(id) -> 'lines' -> 0 ->> 'unitPrice') FROM orders WHERE id = '" + euro + "'"));
        }
    }

    @Test
    void everyFunctionIsDefinedOnceInTheRepeatableMigrationsAndNoneInTheVersionedOnes() throws IOException {
        Pattern create = Pattern.compile("CREATE\\s+(OR\\s+REPLACE\\s+)?FUNCTION\\s+(\\w+)", Pattern.CASE_INSENSITIVE);
        for (String file : V_FILES) {
            assertFalse(create.matcher(resource(file)).find(), file + " defines a function");
        }
        List<String> defined = new ArrayList<>();
        for (String file : R_FILES) {
            Matcher m = create.matcher(resource(file));
            while (m.find()) {
                assertTrue(m.group(1) != null, file + ": " + m.group(2) + " must be CREATE OR REPLACE");
                assertFalse(defined.contains(m.group(2)), m.group(2) + " is defined twice");
                defined.add(m.group(2));
            }
        }
        assertTrue(defined.containsAll(List.of("place_orders", "place_order", "create_hold", "append_order_event",
                "append_outbox_event", "order_document", "note_stock_levels", "ship_order_lines")), defined.toString());
    }

    /** An order placed the way the service placed it before the upgrade (its JSON had no currencyDigits). */
    private static String placeWithTheOldFunctions(String currency, String price) throws SQLException {
        String id = java.util.UUID.randomUUID().toString();
        try (Connection db = connect(LEGACY); Statement sql = db.createStatement()) {
            sql.execute("INSERT INTO channels (code, name, type) VALUES ('web', 'Web', 'WEB') ON CONFLICT DO NOTHING");
            sql.execute("INSERT INTO locations (code, name, type, priority) VALUES ('WH', 'Warehouse', 'WAREHOUSE', 1)"
                    + " ON CONFLICT DO NOTHING");
            sql.execute("INSERT INTO stock (sku, location, on_hand) VALUES ('SKU-1', 'WH', 100) ON CONFLICT DO NOTHING");
            String order = """
                    [{"id": "%s", "channel": "web", "externalId": "%s", "currency": "%s",
                      "customer": {"email": "a@example.com", "name": null, "phone": null},
                      "shippingAddress": {"line1": "Rua A 1", "line2": null, "city": "Lisboa", "region": null,
                                          "postalCode": null, "country": "PT"},
                      "total": "%s", "holdId": null, "actor": "test",
                      "lines": [{"sku": "SKU-1", "quantity": 1, "unitPrice": "%s"}]}]"""
                    .formatted(id, id, currency, price, price);
            assertEquals("ACCEPTED", one(sql, "SELECT place_orders('" + order + "'::jsonb) -> 0 ->> 'outcome'"));
        }
        return id;
    }

    private static Flyway flyway(String database, String location) {
        return Flyway.configure().dataSource(PostgresTestDatabase.jdbcUrl(database), "postgres", password())
                .locations(location).load();
    }

    private static Map<String, String> history(String database) throws SQLException {
        Map<String, String> history = new TreeMap<>();
        try (Connection db = connect(database); Statement sql = db.createStatement();
                ResultSet rows = sql.executeQuery("SELECT coalesce(version, description), checksum, success"
                        + " FROM flyway_schema_history WHERE type <> 'SCHEMA' ORDER BY installed_rank")) {
            while (rows.next()) {
                // a repeatable applied twice (on the legacy database: never) would show its last checksum
                history.put(rows.getString(1), rows.getString(2) + " " + rows.getBoolean(3));
            }
        }
        return history;
    }

    private static Map<String, String> functions(String database) throws SQLException {
        Map<String, String> functions = new TreeMap<>();
        try (Connection db = connect(database); Statement sql = db.createStatement();
                ResultSet rows = sql.executeQuery("""
                        SELECT p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', pg_get_functiondef(p.oid)
                          FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'""")) {
            while (rows.next()) {
                functions.put(rows.getString(1), rows.getString(2));
            }
        }
        return functions;
    }

    private static String one(Statement sql, String query) throws SQLException {
        try (ResultSet rows = sql.executeQuery(query)) {
            assertTrue(rows.next(), query);
            return rows.getString(1);
        }
    }

    private static String resource(String file) throws IOException {
        try (InputStream in = MigrationUpgradeTest.class.getResourceAsStream("/db/migration/" + file)) {
            assertTrue(in != null, file + " is missing");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(PostgresTestDatabase.jdbcUrl(database), "postgres", password());
    }

    private static String password() {
        return System.getenv("PGPASSWORD");
    }
}
