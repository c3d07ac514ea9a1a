package io.ordo.inventory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Plain SQL over the reactive PostgreSQL client for the {@code stock} table: every change is one conditional
 * statement, so concurrent callers can never push {@code onHand} below {@code reserved}.
 */
@ApplicationScoped
public class StockRepository {
    private static final String ADJUST = """
            WITH changed AS (
                UPDATE stock SET on_hand = on_hand + $3, updated_at = now()
                 WHERE sku = $1 AND location = $2 AND on_hand + $3 >= reserved AND on_hand + $3 <= $7
             RETURNING on_hand, reserved)
            INSERT INTO stock_movements (id, sku, location, kind, delta, on_hand_after, reserved_after, reason, actor)
            SELECT $4, $1, $2, 'ADJUSTMENT', $3, changed.on_hand, changed.reserved, $5, $6 FROM changed
            RETURNING on_hand_after, reserved_after, created_at""";
    private static final String ADJUSTMENT = """
            SELECT sku, location, delta, reason, on_hand_after, coalesce(reserved_after, 0), created_at
              FROM stock_movements WHERE id = $1 AND kind = 'ADJUSTMENT'""";
    private static final String ENSURE_ROW = """
            INSERT INTO stock (sku, location, on_hand) VALUES ($1, $2, 0) ON CONFLICT (sku, location) DO NOTHING""";
    private static final String LOCK_ROW = """
            SELECT on_hand, reserved FROM stock WHERE sku = $1 AND location = $2 FOR UPDATE""";
    private static final String SET_ON_HAND = """
            UPDATE stock SET on_hand = $3, low_stock_threshold = coalesce($4, low_stock_threshold), updated_at = now()
             WHERE sku = $1 AND location = $2""";
    /** Announces a fall to the low-stock threshold (stock.low), or clears the flag after a rise. */
    private static final String NOTE_LEVEL = "SELECT note_stock_levels(ARRAY[$1::text], ARRAY[$2::text], $3)";
    private static final String RECORD_COUNT = """
            INSERT INTO stock_movements (id, sku, location, kind, delta, on_hand_after, reason, actor)
            VALUES ($1, $2, $3, 'COUNT', $4, $5, NULL, $6) RETURNING created_at""";
    private static final String LEVEL = "SELECT on_hand, reserved FROM stock WHERE sku = $1 AND location = $2";
    private static final String LOCATION_EXISTS = "SELECT 1 FROM locations WHERE code = $1";
    private static final String BY_SKU = """
            SELECT s.location, s.on_hand, s.reserved, s.low_stock_threshold FROM stock s JOIN locations l ON l.code = s.location
             WHERE s.sku = $1 ORDER BY l.priority, l.code""";

    private final Pool pool;

    public StockRepository(Pool pool) {
        this.pool = pool;
    }

    /** Adds {@code delta} to onHand if the result stays within [reserved, max]; empty when refused or absent. */
    public Uni<Optional<StockLevelView>> adjust(UUID id, String sku, String location, int delta, String reason,
            String actor) {
        return pool.withTransaction(tx -> tx.preparedQuery(ADJUST)
                .execute(Tuple.tuple(List.of(sku, location, delta, id, reason, actor, StockLimits.MAX_ON_HAND)))
                .call(rows -> rows.size() == 0 ? Uni.createFrom().voidItem()
                        : tx.preparedQuery(NOTE_LEVEL).execute(Tuple.of(sku, location, delta < 0)))
                .map(rows -> first(rows).map(row -> {
                    int onHand = row.getInteger(0);
                    int reserved = row.getInteger(1);
                    return new StockLevelView(id, sku, location, MovementKind.ADJUSTMENT, delta, reason, onHand,
                            reserved, Math.max(0, onHand - reserved), row.getOffsetDateTime(2).toInstant());
                })));
    }

    /**
     * Sets the counted onHand, creating the (sku, location) row if needed, and records the movement. Fails with
     * {@link StockLevelRefused} when fewer units than reserved would remain; a missing location surfaces as a
     * foreign-key violation.
     */
    public Uni<StockLevelView> setOnHand(String sku, String location, int onHand, Integer lowStockThreshold,
            String actor) {
        UUID id = UUID.randomUUID();
        return pool.withTransaction(tx -> tx.preparedQuery(ENSURE_ROW).execute(Tuple.of(sku, location))
                .chain(() -> tx.preparedQuery(LOCK_ROW).execute(Tuple.of(sku, location)))
                .map(rows -> rows.iterator().next())
                .chain(current -> {
                    int previous = current.getInteger(0);
                    int reserved = current.getInteger(1);
                    if (onHand < reserved) {
                        return Uni.createFrom().failure(
                                new StockLevelRefused(sku, location, onHand, previous, reserved));
                    }
                    return tx.preparedQuery(SET_ON_HAND).execute(Tuple.of(sku, location, onHand, lowStockThreshold))
                            .chain(() -> tx.preparedQuery(NOTE_LEVEL).execute(Tuple.of(sku, location, true)))
                            .chain(() -> tx.preparedQuery(RECORD_COUNT)
                                    .execute(Tuple.of(id, sku, location, onHand - previous, onHand, actor)))
                            .map(rows -> new StockLevelView(id, sku, location, MovementKind.COUNT, onHand - previous,
                                    null, onHand, reserved, onHand - reserved,
                                    rows.iterator().next().getOffsetDateTime(0).toInstant()));
                }));
    }

    /** The adjustment recorded under {@code id}, as its answer said it, if there is one. */
    public Uni<Optional<StockLevelView>> adjustment(UUID id) {
        return pool.preparedQuery(ADJUSTMENT).execute(Tuple.of(id)).map(rows -> first(rows).map(row -> {
            int onHand = row.getInteger(4);
            int reserved = row.getInteger(5);
            return new StockLevelView(id, row.getString(0), row.getString(1), MovementKind.ADJUSTMENT,
                    row.getInteger(2), row.getString(3), onHand, reserved, Math.max(0, onHand - reserved),
                    row.getOffsetDateTime(6).toInstant());
        }));
    }

    /** onHand and reserved of one (sku, location) row. */
    public record Level(int onHand, int reserved) {
    }

    /** The current level of one row, if it exists. */
    public Uni<Optional<Level>> level(String sku, String location) {
        return pool.preparedQuery(LEVEL).execute(Tuple.of(sku, location))
                .map(rows -> first(rows).map(row -> new Level(row.getInteger(0), row.getInteger(1))));
    }

    public Uni<Boolean> locationExists(String location) {
        return pool.preparedQuery(LOCATION_EXISTS).execute(Tuple.of(location)).map(rows -> rows.size() > 0);
    }

    /** Every location that has a row for this SKU, in reservation order (priority, then code). */
    public Uni<List<LocationStockView>> bySku(String sku) {
        return pool.preparedQuery(BY_SKU).execute(Tuple.of(sku))
                .map(rows -> {
                    List<LocationStockView> levels = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        levels.add(LocationStockView.of(row.getString(0), row.getInteger(1), row.getInteger(2),
                                row.getInteger(3)));
                    }
                    return levels;
                });
    }

    private static Optional<Row> first(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(it.next()) : Optional.empty();
    }
}
