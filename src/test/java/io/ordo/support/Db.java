package io.ordo.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Direct SQL against the test database, for arranging state and checking invariants behind the API's back. */
public final class Db {
    private Db() {
    }

    public static void exec(String sql, Object... args) {
        try (Connection c = PostgresTestDatabase.connect(); PreparedStatement st = c.prepareStatement(sql)) {
            bind(st, args);
            st.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static long count(String sql, Object... args) {
        try (Connection c = PostgresTestDatabase.connect(); PreparedStatement st = c.prepareStatement(sql)) {
            bind(st, args);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<String> strings(String sql, Object... args) {
        try (Connection c = PostgresTestDatabase.connect(); PreparedStatement st = c.prepareStatement(sql)) {
            bind(st, args);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fingerprint of every table the API writes, to prove that a refused request changed nothing. */
    public static String snapshot() {
        return String.join("|", strings("""
                SELECT (SELECT count(*) FROM channels) || ',' || (SELECT count(*) FROM locations) || ','
                    || (SELECT count(*) FROM stock) || ',' || (SELECT coalesce(sum(on_hand), 0) FROM stock) || ','
                    || (SELECT coalesce(sum(reserved), 0) FROM stock) || ',' || (SELECT count(*) FROM stock_movements)
                    || ',' || (SELECT count(*) FROM orders) || ',' || (SELECT count(*) FROM holds)
                    || ',' || (SELECT count(*) FROM allocations WHERE released_at IS NULL)
                    || ',' || (SELECT coalesce(sum(shipped), 0) FROM allocations)
                    || ',' || (SELECT coalesce(sum(version), 0) FROM orders)
                    || ',' || (SELECT count(*) FROM order_history)
                    || ',' || (SELECT count(*) FROM shipments) || ',' || (SELECT count(*) FROM shipment_lines)
                    || ',' || (SELECT count(*) FROM returns) || ',' || (SELECT count(*) FROM return_lines)
                    || ',' || (SELECT coalesce(sum(received), 0) FROM return_lines)
                    || ',' || (SELECT coalesce(sum(refunded_amount), 0) FROM returns)
                    || ',' || (SELECT string_agg(status, '') FROM (SELECT status FROM returns ORDER BY id) r)
                """));
    }

    /** DESIGN.md invariant 1: for every (sku, location), 0 <= reserved <= onHand. */
    public static void assertStockInvariants() {
        assertEquals(0, count("SELECT count(*) FROM stock WHERE reserved < 0 OR reserved > on_hand OR on_hand < 0"),
                "every stock row must satisfy 0 <= reserved <= onHand");
        assertEquals(0, count("SELECT count(*) FROM allocations WHERE shipped < 0 OR shipped > quantity"),
                "no allocation ships more than it reserved");
    }

    /**
     * DESIGN.md invariant 2: reserved equals the sum of open allocations of orders and holds, row by row; an
     * allocation's open units are {@code quantity - shipped} while it is not released.
     */
    public static void assertReservedMatchesOpenAllocations() {
        List<String> mismatches = strings("""
                SELECT coalesce(s.sku, a.sku) || '@' || coalesce(s.location, a.location) || ' reserved '
                       || coalesce(s.reserved, 0) || ' allocated ' || coalesce(a.open, 0)
                  FROM stock s
                  FULL JOIN (SELECT sku, location, sum(quantity - shipped) AS open FROM allocations
                              WHERE released_at IS NULL GROUP BY sku, location) a
                    ON a.sku = s.sku AND a.location = s.location
                 WHERE coalesce(s.reserved, 0) <> coalesce(a.open, 0)
                """);
        assertEquals(List.of(), mismatches, "reserved must equal the open allocations");
    }

    /** Both stock invariants of DESIGN.md. */
    public static void assertInvariants() {
        assertStockInvariants();
        assertReservedMatchesOpenAllocations();
    }

    private static void bind(PreparedStatement st, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            st.setObject(i + 1, args[i]);
        }
    }
}
