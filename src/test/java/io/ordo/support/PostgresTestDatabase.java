package io.ordo.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Gives each test run a fresh database {@code ordo_test} on the real PostgreSQL (127.0.0.1:5432 unless
 * ORDO_TEST_PG_HOST / ORDO_TEST_PG_PORT say otherwise; ORDO_TEST_DB renames it so two checkouts can test at once). Flyway builds the schema when the application starts.
 */
public class PostgresTestDatabase implements QuarkusTestResourceLifecycleManager {
    public static final String NAME = System.getenv().getOrDefault("ORDO_TEST_DB", "ordo_test");

    public static String host() {
        return System.getenv().getOrDefault("ORDO_TEST_PG_HOST", "127.0.0.1");
    }

    public static String port() {
        return System.getenv().getOrDefault("ORDO_TEST_PG_PORT", "5432");
    }

    public static String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    public static Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(NAME), "postgres", System.getenv("PGPASSWORD"));
    }

    @Override
    public Map<String, String> start() {
        try (Connection admin = DriverManager.getConnection(jdbcUrl("postgres"), "postgres", System.getenv("PGPASSWORD"));
                Statement sql = admin.createStatement()) {
            sql.execute("DROP DATABASE IF EXISTS " + NAME + " WITH (FORCE)");
            sql.execute("CREATE DATABASE " + NAME);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL must run on " + host() + ":" + port()
                    + " (try: pg_ctlcluster 15 main start)", e);
        }
        return Map.of(
                "quarkus.datasource.reactive.url", "postgresql://" + host() + ":" + port() + "/" + NAME,
                "quarkus.datasource.jdbc.url", jdbcUrl(NAME));
    }

    @Override
    public void stop() {
        // keep the database for inspection after a failed run; the next run drops it
    }
}
