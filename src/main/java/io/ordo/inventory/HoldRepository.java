package io.ordo.inventory;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** SQL for holds; reservation, release and expiry are SQL functions (R__inventory_functions.sql). */
@ApplicationScoped
public class HoldRepository {
    private static final String CREATE = "SELECT create_hold($1, $2, $3::jsonb, $4, $5)";
    private static final String BY_ID = """
            SELECT h.id, h.channel, h.status, h.expires_at, h.created_at, h.order_id,
                   (SELECT jsonb_agg(jsonb_build_object('line', l.line_no, 'sku', l.sku, 'quantity', l.quantity,
                                                        'backordered', coalesce(b.quantity, 0),
                                                        'expectedAt', utc_text(l.expected_at))
                                     ORDER BY l.line_no)
                      FROM hold_lines l LEFT JOIN backorders b ON b.owner_id = h.id AND b.line_no = l.line_no
                     WHERE l.hold_id = h.id) AS lines,
                   (SELECT jsonb_agg(jsonb_build_object('line', a.line_no, 'location', a.location,
                                                        'quantity', a.quantity, 'reason', a.reason)
                                     ORDER BY a.line_no, loc.priority, a.location)
                      FROM allocations a JOIN locations loc ON loc.code = a.location
                     WHERE a.owner_id = h.id AND a.released_at IS NULL) AS allocations
              FROM holds h WHERE h.id = $1""";
    private static final String LOCK = "SELECT status, channel FROM holds WHERE id = $1 FOR UPDATE";
    private static final String RELEASE = "SELECT release_allocations($1)";
    private static final String MARK_RELEASED = "UPDATE holds SET status = 'RELEASED', updated_at = now() WHERE id = $1";
    private static final String EXPIRE_DUE = "SELECT expire_due_holds($1)";

    private final Pool pool;

    public HoldRepository(Pool pool) {
        this.pool = pool;
    }

    /** Creates and reserves the hold with {@code create_hold}; its answer decoded. */
    public Uni<HoldCreation> create(UUID id, String channel, List<PlaceHold.Line> lines, Instant expiresAt, String actor) {
        JsonArray json = new JsonArray();
        lines.forEach(l -> json.add(new JsonObject().put("sku", l.sku()).put("quantity", l.quantity())));
        return pool.preparedQuery(CREATE)
                .execute(Tuple.of(id, channel, json, OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC), actor))
                .map(rows -> creation((JsonObject) rows.iterator().next().getJson(0)));
    }

    private static HoldCreation creation(JsonObject result) {
        return switch (result.getString("outcome")) {
            case "ACCEPTED" -> new HoldCreation.Accepted(OffsetDateTime.parse(result.getString("createdAt")).toInstant(),
                    AllocationView.byLine(result.getJsonArray("allocations")),
                    HoldView.Line.Waiting.byLine(result.getJsonArray("lines")));
            case "EXISTS" -> new HoldCreation.Exists();
            case "SHORTAGE" -> new HoldCreation.OutOfStock(Shortage.fromJson(result.getJsonArray("shortages")));
            case "UNKNOWN_CHANNEL" -> new HoldCreation.UnknownChannel();
            default -> throw new IllegalStateException("unknown hold outcome " + result);
        };
    }

    public Uni<Optional<HoldView>> findById(UUID id) {
        return pool.preparedQuery(BY_ID).execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toView(rows.iterator().next())));
    }

    /**
     * Releases an ACTIVE hold: its reservations go back to stock and it becomes RELEASED. Returns the status the
     * hold had (empty when it does not exist or is not visible through {@code visible}).
     */
    public Uni<Optional<HoldStatus>> release(UUID id, java.util.function.Predicate<String> visible) {
        return pool.withTransaction(tx -> tx.preparedQuery(LOCK).execute(Tuple.of(id)).chain(rows -> {
            if (rows.size() == 0 || !visible.test(rows.iterator().next().getString("channel"))) {
                return Uni.createFrom().item(Optional.<HoldStatus> empty());
            }
            HoldStatus status = HoldStatus.valueOf(rows.iterator().next().getString("status"));
            if (status != HoldStatus.ACTIVE) {
                return Uni.createFrom().item(Optional.of(status));
            }
            return tx.preparedQuery(RELEASE).execute(Tuple.of(id))
                    .chain(() -> tx.preparedQuery(MARK_RELEASED).execute(Tuple.of(id)))
                    .replaceWith(Optional.of(status));
        }));
    }

    /** Expires up to {@code limit} due holds (claimed with SKIP LOCKED); returns how many. */
    public Uni<Integer> expireDue(int limit) {
        return pool.preparedQuery(EXPIRE_DUE).execute(Tuple.of(limit))
                .map(rows -> rows.iterator().next().getInteger(0));
    }

    static HoldView toView(Row row) {
        JsonArray lines = (JsonArray) row.getJson("lines");
        Map<Integer, List<AllocationView>> allocated = AllocationView.byLine((JsonArray) row.getJson("allocations"));
        List<HoldView.Line> lineViews = new ArrayList<>();
        for (int i = 0; lines != null && i < lines.size(); i++) {
            JsonObject line = lines.getJsonObject(i);
            String expectedAt = line.getString("expectedAt");
            lineViews.add(new HoldView.Line(line.getString("sku"), line.getInteger("quantity"),
                    allocated.getOrDefault(line.getInteger("line"), List.of()), line.getInteger("backordered", 0),
                    expectedAt == null ? null : Instant.parse(expectedAt)));
        }
        return new HoldView(row.getUUID("id"), row.getString("channel"), HoldStatus.valueOf(row.getString("status")),
                row.getOffsetDateTime("expires_at").toInstant(), row.getOffsetDateTime("created_at").toInstant(),
                row.getUUID("order_id"), lineViews);
    }
}
