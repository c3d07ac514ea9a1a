package io.ordo.inventory;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
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
    /**
     * A count or an adjustment, in one call of {@code change_stock} (R__inventory_functions.sql): the row changed under
     * the global lock order, units that a rise makes free given to waiting backorders first, the ledger written and
     * low stock checked, in one transaction.
     */
    private static final String CHANGE = "SELECT change_stock($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    private static final String ADJUSTMENT = """
            SELECT sku, location, delta, reason, on_hand_after, coalesce(reserved_after, 0), created_at
              FROM stock_movements WHERE id = $1 AND kind = 'ADJUSTMENT'""";
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
        return change(id, MovementKind.ADJUSTMENT, sku, location, delta, null, reason, actor).map(answer ->
                "DONE".equals(answer.getString("outcome")) ? Optional.of(level(id, sku, location,
                        MovementKind.ADJUSTMENT, reason, answer)) : Optional.empty());
    }

    /**
     * Sets the counted onHand, creating the (sku, location) row if needed, and records the movement. Fails with
     * {@link StockLevelRefused} when fewer units than reserved would remain; a missing location surfaces as a
     * foreign-key violation.
     */
    public Uni<StockLevelView> setOnHand(String sku, String location, int onHand, Integer lowStockThreshold,
            String actor) {
        UUID id = UUID.randomUUID();
        return change(id, MovementKind.COUNT, sku, location, onHand, lowStockThreshold, null, actor).map(answer -> {
            if (!"DONE".equals(answer.getString("outcome"))) {
                throw new StockLevelRefused(sku, location, onHand, answer.getInteger("onHand"),
                        answer.getInteger("reserved"));
            }
            return level(id, sku, location, MovementKind.COUNT, null, answer);
        });
    }

    private Uni<JsonObject> change(UUID id, MovementKind kind, String sku, String location, int quantity,
            Integer threshold, String reason, String actor) {
        return pool.preparedQuery(CHANGE).execute(Tuple.tuple(Arrays.asList(id, kind.name(), sku, location, quantity,
                        threshold, reason, actor, StockLimits.MAX_ON_HAND)))
                .map(rows -> (JsonObject) rows.iterator().next().getJson(0));
    }

    private static StockLevelView level(UUID id, String sku, String location, MovementKind kind, String reason,
            JsonObject answer) {
        int onHand = answer.getInteger("onHand");
        int reserved = answer.getInteger("reserved");
        return new StockLevelView(id, sku, location, kind, answer.getInteger("delta"), reason, onHand, reserved,
                Math.max(0, onHand - reserved), OffsetDateTime.parse(answer.getString("createdAt")).toInstant());
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
