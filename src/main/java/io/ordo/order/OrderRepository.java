package io.ordo.order;

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
import io.ordo.inventory.InsufficientStock;
import io.ordo.inventory.Shortage;
import io.ordo.outbox.EventType;
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
 * round trip, one commit for many orders), each order's answer decoded into a {@link Placement}. Every order the
 * service shows is decoded from the order document that SQL builds in one place ({@code order_document}: the same JSON
 * as the order's events carry), by {@link #toView}.
 */
@ApplicationScoped
public class OrderRepository {
    /**
     * One row per order of the batch, in order: its outcome, its order document as text when it was placed (handed
     * to the client as it is, see {@link OrderDocument}) and the rest of the answer (a refusal's details).
     */
    private static final String PLACE = """
            SELECT r ->> 'outcome' AS outcome, (r -> 'order')::text AS document, r - 'order' AS answer
              FROM jsonb_array_elements(place_orders($1::jsonb)) WITH ORDINALITY AS p(r, n) ORDER BY n""";
    /** The order document (order_json, built by order_document in R__orders_functions.sql) of each order. */
    private static final String VIEW_COLUMNS = "SELECT order_json(o.id) AS document FROM orders o";
    private static final String BY_ID = VIEW_COLUMNS + " WHERE o.id = $1";
    private static final String DOCUMENT_BY_ID = "SELECT order_json(o.id)::text, o.version FROM orders o WHERE o.id = $1";
    private static final String LOCK = "SELECT status, version, channel, last_sequence FROM orders WHERE id = $1 FOR UPDATE";
    private static final String RELEASE = "SELECT release_allocations($1)";
    private static final String SET_STATUS = """
            UPDATE orders SET status = $2, version = version + 1, last_sequence = last_sequence + $3, updated_at = now()
             WHERE id = $1 RETURNING last_sequence""";
    private static final String APPEND_EVENT = "SELECT append_order_event($1, $2, $3, $4, $5::jsonb, $6, order_json($1))";
    private static final String REROUTE = "SELECT reroute_order($1, $2::text[])";
    private static final String PREVIEW = "SELECT preview_routing($1::jsonb, $2::text[], $3)";
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

    /** Places the orders in one transaction, each standing alone; one placement per order, in order. */
    public Uni<List<Placement>> placeBatch(List<NewOrder> orders) {
        JsonArray batch = new JsonArray(new ArrayList<>(NewOrder.toJson(orders)));
        return pool.preparedQuery(PLACE).execute(Tuple.of(batch)).map(rows -> {
            List<Placement> placements = new ArrayList<>(orders.size());
            int i = 0;
            for (Row row : rows) {
                placements.add(placement(orders.get(i++), row));
            }
            return placements;
        });
    }

    /** Decodes one answer of {@code place_order}: a placed order's document stays text. */
    private static Placement placement(NewOrder order, Row row) {
        String outcome = row.getString("outcome");
        if ("ACCEPTED".equals(outcome)) {
            return new Placement.Accepted(new OrderDocument(order.id(), 1, row.getString("document")));
        }
        JsonObject answer = (JsonObject) row.getJson("answer");
        return switch (outcome) {
            case "SHORTAGE" -> new Placement.OutOfStock(Shortage.fromJson(answer.getJsonArray("shortages")));
            case "DUPLICATE" -> new Placement.Duplicate(UUID.fromString(answer.getString("existingOrderId")));
            case "UNKNOWN_CHANNEL" -> new Placement.UnknownChannel();
            case "HOLD_NOT_FOUND" -> new Placement.HoldNotFound();
            case "HOLD_NOT_ACTIVE" -> new Placement.HoldNotActive(answer.getString("status"));
            case "HOLD_MISMATCH" -> new Placement.HoldMismatch();
            default -> throw new IllegalStateException("unknown placement outcome " + answer);
        };
    }

    /** The order's document as text, with its current version (an order found placed already, answered as it is). */
    public Uni<Optional<OrderDocument>> findDocument(UUID id) {
        return pool.preparedQuery(DOCUMENT_BY_ID).execute(Tuple.of(id)).map(rows -> {
            if (rows.size() == 0) {
                return Optional.empty();
            }
            Row row = rows.iterator().next();
            return Optional.of(new OrderDocument(id, row.getInteger(1), row.getString(0)));
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
        if (query.backordered() != null) {
            sql.append(query.backordered() ? " AND" : " AND NOT")
                    .append(" EXISTS (SELECT 1 FROM backorders b WHERE b.owner_id = o.id)");
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
    public record Event(EventType type, Map<String, Object> detail) {
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
                                event.type().wire(), status.name(),
                                event.detail() == null ? null : new JsonObject(new LinkedHashMap<>(event.detail())),
                                actor)).replaceWithVoid());
                    }
                    return chain;
                });
    }

    /**
     * Moves the order's unshipped reservations (reroute_order, R__routing_functions.sql) in the caller's transaction,
     * which holds the order's lock: its answer ({outcome: REROUTED, moved, backordered}), or a failure with
     * {@link InsufficientStock} when units could be placed nowhere and their SKU's policy does not promise them.
     */
    public Uni<JsonObject> reroute(SqlConnection tx, UUID id, List<String> excludeLocations) {
        return tx.preparedQuery(REROUTE).execute(Tuple.of(id, excludeLocations.toArray(String[]::new))).map(rows -> {
            JsonObject answer = (JsonObject) rows.iterator().next().getJson(0);
            if ("SHORTAGE".equals(answer.getString("outcome"))) {
                throw new InsufficientStock(Shortage.fromJson(answer.getJsonArray("shortages")));
            }
            return answer;
        });
    }

    /**
     * What the order would get now (preview_routing): its channel's rules, or {@code rules}/{@code allowSplit} when
     * given; nothing is locked or written. Empty when the channel does not exist.
     */
    public Uni<Optional<JsonObject>> preview(JsonObject order, List<String> rules, Boolean allowSplit) {
        return pool.preparedQuery(PREVIEW).execute(Tuple.of(order, rules == null ? null : rules.toArray(String[]::new),
                allowSplit)).map(rows -> {
                    JsonObject answer = (JsonObject) rows.iterator().next().getJson(0);
                    return "UNKNOWN_CHANNEL".equals(answer.getString("outcome")) ? Optional.empty()
                            : Optional.of(answer);
                });
    }

    public Pool pool() {
        return pool;
    }

    private OrderView toView(Row row) {
        return toView((JsonObject) row.getJson("document"));
    }

    /** The order document as an {@link OrderView}: a decoder, field by field (reads and changes; intake keeps the text). */
    private OrderView toView(JsonObject doc) {
        JsonArray lines = doc.getJsonArray("lines");
        List<OrderLineView> lineViews = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            JsonObject line = lines.getJsonObject(i);
            List<AllocationView> allocationViews = AllocationView.list(line.getJsonArray("allocations"));
            String expectedAt = line.getString("expectedAt");
            lineViews.add(new OrderLineView(line.getString("sku"), line.getInteger("quantity"),
                    line.getString("unitPrice"), allocationViews, line.getInteger("backordered", 0),
                    expectedAt == null ? null : Instant.parse(expectedAt)));
        }
        JsonObject c = doc.getJsonObject("customer");
        JsonObject a = doc.getJsonObject("shippingAddress");
        String holdId = doc.getString("holdId");
        return new OrderView(UUID.fromString(doc.getString("id")), doc.getLong("number"), doc.getString("channel"),
                doc.getString("externalId"), OrderStatus.valueOf(doc.getString("status")), doc.getString("currency"),
                new Customer(c.getString("email"), c.getString("name"), c.getString("phone")),
                new ShippingAddress(a.getString("line1"), a.getString("line2"), a.getString("city"),
                        a.getString("region"), a.getString("postalCode"), a.getString("country"),
                        a.getDouble("latitude"), a.getDouble("longitude")),
                lineViews, doc.getBoolean("backordered", false), OrderRouting.of(doc.getJsonObject("routing")),
                doc.getString("total"), holdId == null ? null : UUID.fromString(holdId),
                doc.getInteger("version"), Instant.parse(doc.getString("createdAt")),
                Instant.parse(doc.getString("updatedAt")), list(doc.getJsonArray("shipments"), SHIPMENTS),
                list(doc.getJsonArray("returns"), RETURNS));
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
}
