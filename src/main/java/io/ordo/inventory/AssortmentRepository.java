package io.ordo.inventory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** Channel assortments over {@code set_channel_assortment} (R__inventory_functions.sql) and channel_locations. */
@ApplicationScoped
public class AssortmentRepository {
    /** The 1-based positions of the codes that name no location. */
    private static final String UNKNOWN = """
            SELECT n FROM unnest($1::text[]) WITH ORDINALITY AS x(code, n)
             WHERE NOT EXISTS (SELECT 1 FROM locations l WHERE l.code = x.code) ORDER BY n""";
    private static final String SET = "SELECT set_channel_assortment($1, $2)";
    private static final String GET = """
            SELECT EXISTS (SELECT 1 FROM channel_locations WHERE channel = $1) AS restricted,
                   coalesce((SELECT array_agg(l.code ORDER BY l.priority, l.code) FROM locations l
                              WHERE NOT EXISTS (SELECT 1 FROM channel_locations WHERE channel = $1)
                                 OR l.code IN (SELECT location FROM channel_locations WHERE channel = $1)), '{}') AS codes
              FROM channels c WHERE c.code = $1""";

    private final Pool pool;

    public AssortmentRepository(Pool pool) {
        this.pool = pool;
    }

    /** Positions (from 0) of the codes that name no location; empty when all exist. */
    public Uni<List<Integer>> unknownLocations(List<String> codes) {
        return pool.preparedQuery(UNKNOWN).execute(Tuple.of(codes.toArray(String[]::new))).map(rows -> {
            List<Integer> unknown = new ArrayList<>();
            for (Row row : rows) {
                unknown.add(row.getLong(0).intValue() - 1);
            }
            return unknown;
        });
    }

    /** Sets (null: removes) the assortment; waiting backorders of the channel are served from locations it gained. */
    public Uni<Void> set(String channel, List<String> locations) {
        return pool.withTransaction(tx -> tx.preparedQuery(SET)
                .execute(Tuple.of(channel, locations == null ? null : locations.toArray(String[]::new))))
                .replaceWithVoid();
    }

    /** The channel's assortment, empty when the channel does not exist. */
    public Uni<Optional<AssortmentView>> get(String channel) {
        return pool.preparedQuery(GET).execute(Tuple.of(channel)).map(rows -> {
            if (rows.size() == 0) {
                return Optional.empty();
            }
            Row row = rows.iterator().next();
            return Optional.of(new AssortmentView(channel, List.of(row.getArrayOfStrings("codes")),
                    row.getBoolean("restricted")));
        });
    }
}
