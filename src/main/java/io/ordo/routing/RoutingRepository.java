package io.ordo.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Channels' routing rules (channel_routing, V11). Intake reads them in the same transaction that reserves
 * (order_rows, R__orders_functions.sql): a change applies to the next order, nothing is cached.
 */
@ApplicationScoped
public class RoutingRepository {
    private static final String SET = """
            INSERT INTO channel_routing (channel, rules, allow_split, updated_by) VALUES ($1, $2, $3, $4)
            ON CONFLICT (channel) DO UPDATE SET rules = excluded.rules, allow_split = excluded.allow_split,
                                                updated_by = excluded.updated_by, updated_at = now()""";
    private static final String RESET = "DELETE FROM channel_routing WHERE channel = $1";
    private static final String GET = """
            SELECT r.rules, r.allow_split, r.updated_at, r.updated_by
              FROM channels c LEFT JOIN channel_routing r ON r.channel = c.code WHERE c.code = $1""";

    private final Pool pool;

    public RoutingRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> set(String channel, List<RoutingRule> rules, boolean allowSplit, String actor) {
        return pool.preparedQuery(SET).execute(Tuple.of(channel, rules.stream().map(Enum::name).toArray(String[]::new),
                allowSplit, actor)).replaceWithVoid();
    }

    public Uni<Void> reset(String channel) {
        return pool.preparedQuery(RESET).execute(Tuple.of(channel)).replaceWithVoid();
    }

    /** The channel's routing (the default when it has none); empty when the channel does not exist. */
    public Uni<Optional<RoutingView>> get(String channel) {
        return pool.preparedQuery(GET).execute(Tuple.of(channel)).map(rows -> {
            if (rows.size() == 0) {
                return Optional.empty();
            }
            Row row = rows.iterator().next();
            String[] names = row.getArrayOfStrings("rules");
            if (names == null) {
                return Optional.of(RoutingView.byDefault(channel));
            }
            List<RoutingRule> rules = new ArrayList<>(names.length);
            for (String name : names) {
                rules.add(RoutingRule.valueOf(name));
            }
            return Optional.of(new RoutingView(channel, List.copyOf(rules), row.getBoolean("allow_split"), true,
                    row.getOffsetDateTime("updated_at").toInstant(), row.getString("updated_by")));
        });
    }
}
