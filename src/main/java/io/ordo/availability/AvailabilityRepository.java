package io.ordo.availability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** SQL of the availability feature over the reactive client: one statement per call, whatever the number of SKUs. */
@ApplicationScoped
public class AvailabilityRepository {
    /**
     * One statement: whether the channel exists (always true without one), its assortment (channel_assortment:
     * NULL for every location, also for a channel without channel_locations rows) and, only when it exists, each
     * SKU's figures in the order asked (sku_availability, R__availability_functions.sql). An unknown channel gives
     * one row with known = false.
     */
    private static final String AVAILABILITY = """
            SELECT c.known, a.sku, a.available, a.backorderable, a.inventory_policy, utc_text(a.expected_at)
              FROM (SELECT $2::text IS NULL OR EXISTS (SELECT 1 FROM channels WHERE code = $2) AS known,
                           channel_assortment($2) AS assortment) c
              LEFT JOIN LATERAL sku_availability($1::text[], c.assortment) a ON c.known
             ORDER BY a.ord""";
    private static final String FLUSH = "SELECT flush_availability(make_interval(secs => $1), $2)";

    private final Pool pool;

    public AvailabilityRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * The figures of each of {@code skus} (distinct), in their order, counted over {@code channel}'s assortment
     * (null: every location); empty when that channel does not exist.
     */
    public Uni<Optional<List<SkuAvailability>>> find(List<String> skus, String channel) {
        return pool.preparedQuery(AVAILABILITY).execute(Tuple.of(skus.toArray(String[]::new), channel)).map(rows -> {
            List<SkuAvailability> items = new ArrayList<>(skus.size());
            for (Row row : rows) {
                if (!row.getBoolean(0)) {
                    return Optional.empty();
                }
                items.add(new SkuAvailability(row.getString(1), row.getInteger(2), row.getInteger(3),
                        row.getString(4), row.getString(5)));
            }
            return Optional.of(items);
        });
    }

    /**
     * One run of flush_availability: announces SKUs whose availability changed, each at most once per
     * {@code interval}; returns how many SKUs it took (0 when another instance is flushing).
     */
    public Uni<Integer> flush(Duration interval, int limit) {
        return pool.preparedQuery(FLUSH).execute(Tuple.of(interval.toNanos() / 1e9, limit))
                .map(rows -> rows.iterator().next().getInteger(0));
    }
}
