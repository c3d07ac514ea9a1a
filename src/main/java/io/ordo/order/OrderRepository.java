package io.ordo.order;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.ordo.common.ResourceNotFound;
import io.ordo.inventory.AllocationView;
import io.ordo.security.Caller;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * SQL for orders over the reactive client. Placement is one call of the {@code place_orders} function per batch (one
 * round trip, one commit for many orders); reads fetch an order with its lines and allocations in one query.
 */
@ApplicationScoped
public class OrderRepository {
    private static final String PLACE = "SELECT place_orders($1::jsonb)";
    private static final String VIEW_COLUMNS = """
            SELECT o.id, o.number, o.channel, o.external_id, o.status, o.currency, o.customer, o.shipping_address,
                   o.total::text AS total, o.hold_id, o.version, o.created_at, o.updated_at,
                   (SELECT jsonb_agg(jsonb_build_object('line', l.line_no, 'sku', l.sku, 'quantity', l.quantity,
                                                        'unitPrice', l.unit_price::text) ORDER BY l.line_no)
                      FROM order_lines l WHERE l.order_id = o.id) AS lines,
                   (SELECT jsonb_agg(jsonb_build_object('line', a.line_no, 'location', a.location,
                                                        'quantity', a.quantity - a.shipped)
                                     ORDER BY a.line_no, loc.priority, a.location)
                      FROM allocations a JOIN locations loc ON loc.code = a.location
                     WHERE a.owner_id = o.id AND a.released_at IS NULL AND a.shipped < a.quantity) AS allocations,
                   CASE WHEN o.status NOT IN ('ACCEPTED', 'PROCESSING', 'CANCELLED')
                        THEN order_shipments_json(o.id) END AS shipments,
                   CASE WHEN o.status NOT IN ('ACCEPTED', 'PROCESSING', 'CANCELLED')
                        THEN order_returns_json(o.id) END AS returns
              FROM orders o""";
    private static final String BY_ID = VIEW_COLUMNS + " WHERE o.id = $1";
    private static final String LOCK = "SELECT status, version, channel, last_sequence FROM orders WHERE id = $1 FOR UPDATE";
    private static final String RELEASE = "SELECT release_allocations($1)";
    private static final String SET_STATUS = """
            UPDATE orders SET status = $2, version = version + 1, last_sequence = last_sequence + $3, updated_at = now()
             WHERE id = $1 RETURNING last_sequence""";
    private static final String APPEND_EVENT = "SELECT append_order_event($1, $2, $3, $4, $5::jsonb, $6)";
    private static final String HISTORY = """
            SELECT sequence, type, status, detail, actor, created_at FROM order_history WHERE order_id = $1
             ORDER BY sequence""";

    private static final TypeReference<List<ShipmentView>> SHIPMENTS = new TypeReference<>() {
    };
    private static final TypeReference<List<ReturnView>> RETURNS = new TypeReference<>() {
    };

    private final Pool pool;
    private final ObjectMapper json;

    public OrderRepository(Pool pool, ObjectMapper json) {
        this.pool = pool;
        this.json = json;
    }

    /** Places the orders in one transaction, each standing alone; one JSON outcome per order, in order. */
    public Uni<List<JsonObject>> placeBatch(List<NewOrder> orders) {
        JsonArray batch = new JsonArray(new ArrayList<>(NewOrder.toJson(orders)));
        return pool.preparedQuery(PLACE).execute(Tuple.of(batch)).map(rows -> {
            JsonArray results = (JsonArray) rows.iterator().next().getJson(0);
            List<JsonObject> outcomes = new ArrayList<>(results.size());
            for (int i = 0; i < results.size(); i++) {
                outcomes.add(results.getJsonObject(i));
            }
            return outcomes;
        });
    }

    public Uni<Optional<OrderView>> findById(UUID id) {
        return pool.preparedQuery(BY_ID).execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toView(rows.iterator().next())));
    }

    /** Newest first; {@code after} is the keyset position of the previous page's last order. */
    public Uni<List<OrderView>> list(OrderQuery query, int limit) {
        StringBuilder sql = new StringBuilder(VIEW_COLUMNS).append(" WHERE true");
        List<Object> args = new ArrayList<>();
        if (query.channel() != null) {
            args.add(query.channel());
            sql.append(" AND o.channel = $").append(args.size());
        }
        if (query.status() != null) {
            args.add(query.status().name());
            sql.append(" AND o.status = $").append(args.size());
        }
        if (query.sku() != null) {
            args.add(query.sku());
            sql.append(" AND EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.sku = $")
                    .append(args.size()).append(')');
        }
        if (query.createdFrom() != null) {
            args.add(OffsetDateTime.ofInstant(query.createdFrom(), ZoneOffset.UTC));
            sql.append(" AND o.created_at >= $").append(args.size());
        }
        if (query.createdTo() != null) {
            args.add(OffsetDateTime.ofInstant(query.createdTo(), ZoneOffset.UTC));
            sql.append(" AND o.created_at < $").append(args.size());
        }
        if (query.after() != null) {
            args.add(OffsetDateTime.ofInstant(query.after().createdAt(), ZoneOffset.UTC));
            args.add(query.after().id());
            sql.append(" AND (o.created_at, o.id) < ($").append(args.size() - 1).append(", $").append(args.size())
                    .append(')');
        }
        args.add(limit);
        sql.append(" ORDER BY o.created_at DESC, o.id DESC LIMIT $").append(args.size());
        return pool.preparedQuery(sql.toString()).execute(Tuple.tuple(args)).map(rows -> {
            List<OrderView> views = new ArrayList<>(rows.size());
            for (Row row : rows) {
                views.add(toView(row));
            }
            return views;
        });
    }

    public Uni<List<OrderHistoryEntry>> history(UUID id) {
        return pool.preparedQuery(HISTORY).execute(Tuple.of(id)).map(rows -> {
            List<OrderHistoryEntry> entries = new ArrayList<>(rows.size());
            for (Row row : rows) {
                JsonObject detail = (JsonObject) row.getJson("detail");
                entries.add(new OrderHistoryEntry(row.getInteger("sequence"), row.getString("type"),
                        OrderStatus.valueOf(row.getString("status")), detail == null ? null : detail.getMap(),
                        row.getString("actor"), row.getOffsetDateTime("created_at").toInstant()));
            }
            return entries;
        });
    }

    /**
     * The order a change is decided on, its row locked until the transaction ends; visible to the caller and at the
     * version {@code If-Match} named ({@code expectedVersion}, null for none), else ResourceNotFound / StaleVersion.
     */
    public Uni<Order> lockForChange(SqlConnection tx, UUID id, Caller caller, Integer expectedVersion) {
        return lock(tx, id, () -> new ResourceNotFound("Order", id.toString()))
                .map(order -> order.requireVisibleTo(caller).requireVersion(expectedVersion));
    }

    /**
     * As {@link #lockForChange(SqlConnection, UUID, Caller, Integer)}, for a step addressed through something else
     * (a return): an order that is missing or not visible is reported as {@code notFound}.
     */
    public Uni<Order> lockForChange(SqlConnection tx, UUID id, Caller caller, Supplier<ResourceNotFound> notFound) {
        return lock(tx, id, notFound).map(order -> order.requireVisibleTo(caller, notFound));
    }

    private Uni<Order> lock(SqlConnection tx, UUID id, Supplier<ResourceNotFound> notFound) {
        return tx.preparedQuery(LOCK).execute(Tuple.of(id)).map(rows -> {
            if (rows.size() == 0) {
                throw notFound.get();
            }
            Row row = rows.iterator().next();
            return new Order(id, OrderStatus.valueOf(row.getString("status")), row.getInteger("version"),
                    row.getString("channel"));
        });
    }

    /** Records what an action decided ({@link Order.Change}): releases reservations if it says so, then the events. */
    public Uni<Void> record(SqlConnection tx, Order order, Order.Change change, String actor) {
        Uni<Void> release = change.releasesReservations() ? releaseAllocations(tx, order.id())
                : Uni.createFrom().voidItem();
        return release.chain(() -> recordEvents(tx, order.id(), change.status(), change.events(), actor));
    }

    /** Gives back every unshipped reservation of the order. */
    public Uni<Void> releaseAllocations(SqlConnection tx, UUID id) {
        return tx.preparedQuery(RELEASE).execute(Tuple.of(id)).replaceWithVoid();
    }

    /** One event of an order: its type ({@code order.status_changed}, ...) and what the history keeps of it. */
    public record Event(String type, Map<String, Object> detail) {
    }

    /**
     * Moves the order to {@code status}, bumps its version once and records each event with the next sequence
     * number, in the order given: the one place where an order's change is recorded after intake (the SQL function
     * it calls is the outbox's hook). Actions reach it through {@link #record}.
     */
    public Uni<Void> recordEvents(SqlConnection tx, UUID id, OrderStatus status, List<Event> events, String actor) {
        return tx.preparedQuery(SET_STATUS).execute(Tuple.of(id, status.name(), events.size()))
                .map(rows -> rows.iterator().next().getInteger(0))
                .chain(last -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    int sequence = last - events.size();
                    for (Event event : events) {
                        int next = ++sequence;
                        chain = chain.chain(() -> tx.preparedQuery(APPEND_EVENT).execute(Tuple.of(id, next,
                                event.type(), status.name(),
                                event.detail() == null ? null : new JsonObject(new LinkedHashMap<>(event.detail())),
                                actor)).replaceWithVoid());
                    }
                    return chain;
                });
    }

    public Pool pool() {
        return pool;
    }

    private OrderView toView(Row row) {
        String currency = row.getString("currency");
        JsonArray lines = (JsonArray) row.getJson("lines");
        Map<Integer, List<AllocationView>> allocated = AllocationView.byLine((JsonArray) row.getJson("allocations"));
        List<OrderLineView> lineViews = new ArrayList<>();
        for (int i = 0; lines != null && i < lines.size(); i++) {
            JsonObject line = lines.getJsonObject(i);
            lineViews.add(new OrderLineView(line.getString("sku"), line.getInteger("quantity"),
                    Money.format(new BigDecimal(line.getString("unitPrice")), currency),
                    allocated.getOrDefault(line.getInteger("line"), List.of())));
        }
        return new OrderView(row.getUUID("id"), row.getLong("number"), row.getString("channel"),
                row.getString("external_id"), OrderStatus.valueOf(row.getString("status")), currency,
                json.convertValue(((JsonObject) row.getJson("customer")).getMap(), Customer.class),
                json.convertValue(((JsonObject) row.getJson("shipping_address")).getMap(), ShippingAddress.class),
                lineViews, Money.format(new BigDecimal(row.getString("total")), currency), row.getUUID("hold_id"),
                row.getInteger("version"), instant(row, "created_at"), instant(row, "updated_at"),
                list(row.getJson("shipments"), SHIPMENTS), list(row.getJson("returns"), RETURNS));
    }

    private <T> List<T> list(Object array, TypeReference<List<T>> type) {
        if (!(array instanceof JsonArray items) || items.isEmpty()) {
            return List.of();
        }
        try {
            return json.readValue(items.encode(), type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable order JSON from the database", e);
        }
    }

    private static Instant instant(Row row, String column) {
        return row.getOffsetDateTime(column).toInstant();
    }
}
