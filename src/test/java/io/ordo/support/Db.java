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
                    || ',' || (SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') FROM channel_routing)
                    || ',' || (SELECT coalesce(max(updated_at)::text, '') FROM locations)
                    || ',' || (SELECT count(*) FROM backorders)
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

    /**
     * Available to promise (issue 14): each SKU's backordered counter is the sum of its waiting backorders; every line
     * of a live order or an active hold has exactly its quantity in (unreleased) allocations plus waiting backorders,
     * and a line of anything else none waiting (no unit given twice, none lost); and no unit is available at a
     * location that a waiting backorder could be served from (units that become free serve the queue first).
     */
    public static void assertBackorderInvariants() {
        assertEquals(List.of(), strings("""
                SELECT coalesce(p.sku, b.sku) || ' counter ' || coalesce(p.backordered, 0) || ' waiting ' || coalesce(b.units, 0)
                  FROM sku_policies p
                  FULL JOIN (SELECT sku, sum(quantity) AS units FROM backorders GROUP BY sku) b ON b.sku = p.sku
                 WHERE coalesce(p.backordered, 0) <> coalesce(b.units, 0)
                """), "sku_policies.backordered must equal the waiting backorder units");
        assertEquals(List.of(), strings("""
                SELECT x.kind || ' ' || x.owner || ' line ' || x.line_no || ': quantity ' || x.quantity || ', allocated '
                       || x.allocated || ', waiting ' || x.waiting
                  FROM (SELECT 'order' AS kind, o.id AS owner, l.line_no, l.quantity, o.status NOT IN ('CANCELLED') AS live,
                               (SELECT coalesce(sum(a.quantity), 0) FROM allocations a
                                 WHERE a.owner_id = o.id AND a.line_no = l.line_no AND a.released_at IS NULL) AS allocated,
                               (SELECT coalesce(sum(b.quantity), 0) FROM backorders b
                                 WHERE b.owner_id = o.id AND b.line_no = l.line_no) AS waiting
                          FROM orders o JOIN order_lines l ON l.order_id = o.id
                        UNION ALL
                        SELECT 'hold', h.id, l.line_no, l.quantity, h.status = 'ACTIVE',
                               (SELECT coalesce(sum(a.quantity), 0) FROM allocations a
                                 WHERE a.owner_id = h.id AND a.line_no = l.line_no AND a.released_at IS NULL),
                               (SELECT coalesce(sum(b.quantity), 0) FROM backorders b
                                 WHERE b.owner_id = h.id AND b.line_no = l.line_no)
                          FROM holds h JOIN hold_lines l ON l.hold_id = h.id WHERE h.status <> 'CONVERTED') x
                 WHERE (x.live AND x.allocated + x.waiting <> x.quantity) OR (NOT x.live AND x.waiting > 0)
                """), "every line: allocated + waiting = quantity while live, nothing waiting after");
        assertEquals(List.of(), strings("""
                SELECT b.owner_id || ' waits for ' || b.sku || ' while ' || s.location || ' has '
                       || (s.on_hand - s.reserved) || ' available'
                  FROM backorders b JOIN stock s ON s.sku = b.sku AND s.on_hand > s.reserved
                  JOIN locations l ON l.code = s.location AND l.active
                 WHERE (b.excluded_locations IS NULL OR s.location <> ALL (b.excluded_locations))
                   AND (b.location IS NULL OR s.location = b.location)
                   AND (NOT EXISTS (SELECT 1 FROM channel_locations c WHERE c.channel = b.channel)
                        OR s.location IN (SELECT c.location FROM channel_locations c WHERE c.channel = b.channel))
                """), "no unit is available (at an active location) where a waiting backorder could be served from");
    }

    /** The stock invariants of DESIGN.md and those of available to promise. */
    public static void assertInvariants() {
        assertStockInvariants();
        assertReservedMatchesOpenAllocations();
        assertBackorderInvariants();
    }

    private static void bind(PreparedStatement st, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            st.setObject(i + 1, args[i]);
        }
    }
}
