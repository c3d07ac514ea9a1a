package io.ordo.fulfillment;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.ordo.order.ReturnStatus;
import io.ordo.order.ReturnView;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * SQL for shipments and returns over the reactive client. Each stock-moving step is one call of a SQL function
 * ({@code ship_order_lines}, {@code request_return}, {@code receive_return}, in R__fulfillment_functions.sql) inside the
 * caller's transaction, which already holds the order's row lock; its answer is decoded into a Java type here.
 */
@ApplicationScoped
public class FulfillmentRepository {
    private static final String SHIP = "SELECT ship_order_lines($1, $2, $3, $4::jsonb, $5, $6, $7)";
    private static final String REQUEST_RETURN = "SELECT request_return($1, $2, $3::jsonb, $4, $5)";
    private static final String RECEIVE = "SELECT receive_return($1, $2, $3::jsonb, $4)";
    private static final String ORDER_OF_RETURN = "SELECT order_id FROM returns WHERE id = $1";
    private static final String LOCK_RETURN = """
            SELECT r.status, o.currency, refundable_amount(r.id)::text AS refundable
              FROM returns r JOIN orders o ON o.id = r.order_id WHERE r.id = $1 FOR UPDATE OF r""";
    private static final String REFUND = """
            UPDATE returns SET status = 'REFUNDED', refunded_amount = refunded_amount + $2::text::numeric, refunded_at = now(),
                   updated_at = now() WHERE id = $1""";
    private static final String RETURN_VIEW = """
            SELECT o.channel, return_json(r.id) AS view FROM returns r JOIN orders o ON o.id = r.order_id WHERE r.id = $1""";

    private final Pool pool;
    private final ObjectMapper json;

    public FulfillmentRepository(Pool pool, ObjectMapper json) {
        this.pool = pool;
        this.json = json;
    }

    /** What {@code ship_order_lines} answered. */
    public sealed interface Shipping {
        /** Shipped; {@code openUnits}: units of the order still reserved (0: everything has left). */
        record Shipped(int openUnits) implements Shipping {
        }

        /** Nothing shipped: the lines ({@code [{sku, requested, shippable}]}) the location cannot cover. */
        record Refused(JsonArray lines) implements Shipping {
        }
    }

    /** What {@code request_return} answered. */
    public sealed interface ReturnRequest {
        record Requested() implements ReturnRequest {
        }

        /** Nothing recorded: the lines ({@code [{sku, requested, returnable}]}) that cannot be returned. */
        record Refused(JsonArray lines) implements ReturnRequest {
        }
    }

    /** What {@code receive_return} answered. */
    public sealed interface Receipt {
        record Received() implements Receipt {
        }

        record UnknownLocation() implements Receipt {
        }

        /** Nothing received: the lines ({@code [{sku, received, requested}]}) with more units than the return asked. */
        record Refused(JsonArray lines) implements Receipt {
        }
    }

    public Uni<Shipping> ship(SqlConnection tx, UUID order, UUID shipment, CreateShipment request, String actor) {
        JsonArray lines = new JsonArray();
        request.lines().forEach(l -> lines.add(new JsonObject().put("sku", l.sku()).put("quantity", l.quantity())));
        return tx.preparedQuery(SHIP).execute(Tuple.tuple(List.of(order, shipment, request.location(), lines,
                request.carrier(), request.trackingNumber(), actor))).map(rows -> {
                    JsonObject result = outcome(rows);
                    return switch (result.getString("outcome")) {
                        case "SHIPPED" -> new Shipping.Shipped(result.getInteger("openUnits"));
                        case "NOT_SHIPPABLE" -> new Shipping.Refused(result.getJsonArray("lines"));
                        default -> throw new IllegalStateException("unknown shipping outcome " + result);
                    };
                });
    }

    public Uni<ReturnRequest> requestReturn(SqlConnection tx, UUID order, UUID returnId, RequestReturn request,
            String actor) {
        JsonArray lines = new JsonArray();
        request.lines().forEach(l -> lines.add(new JsonObject().put("sku", l.sku()).put("quantity", l.quantity())));
        return tx.preparedQuery(REQUEST_RETURN).execute(Tuple.of(order, returnId, lines, request.reason(), actor))
                .map(rows -> {
                    JsonObject result = outcome(rows);
                    return switch (result.getString("outcome")) {
                        case "REQUESTED" -> new ReturnRequest.Requested();
                        case "NOT_RETURNABLE" -> new ReturnRequest.Refused(result.getJsonArray("lines"));
                        default -> throw new IllegalStateException("unknown return request outcome " + result);
                    };
                });
    }

    public Uni<Receipt> receive(SqlConnection tx, UUID returnId, ReceiveReturn request, String actor) {
        JsonArray lines = new JsonArray();
        request.lines().forEach(l -> lines.add(new JsonObject().put("sku", l.sku()).put("quantity", l.quantity())
                .put("restock", l.restocks())));
        return tx.preparedQuery(RECEIVE).execute(Tuple.of(returnId, request.location(), lines, actor))
                .map(rows -> {
                    JsonObject result = outcome(rows);
                    return switch (result.getString("outcome")) {
                        case "RECEIVED" -> new Receipt.Received();
                        case "UNKNOWN_LOCATION" -> new Receipt.UnknownLocation();
                        case "NOT_RECEIVABLE" -> new Receipt.Refused(result.getJsonArray("lines"));
                        default -> throw new IllegalStateException("unknown receipt outcome " + result);
                    };
                });
    }

    /** The order a return belongs to (read without a lock: the order's row is locked first, then the return's). */
    public Uni<Optional<UUID>> orderOfReturn(SqlConnection tx, UUID returnId) {
        return tx.preparedQuery(ORDER_OF_RETURN).execute(Tuple.of(returnId))
                .map(rows -> first(rows).map(row -> row.getUUID(0)));
    }

    /** A return's state, read with its row lock held until the transaction ends. */
    public record LockedReturn(ReturnStatus status, String currency, BigDecimal refundable) {
    }

    public Uni<LockedReturn> lockReturn(SqlConnection tx, UUID returnId) {
        return tx.preparedQuery(LOCK_RETURN).execute(Tuple.of(returnId)).map(rows -> {
            Row row = rows.iterator().next();
            return new LockedReturn(ReturnStatus.valueOf(row.getString("status")), row.getString("currency"),
                    new BigDecimal(row.getString("refundable")));
        });
    }

    public Uni<Void> refund(SqlConnection tx, UUID returnId, BigDecimal amount) {
        return tx.preparedQuery(REFUND).execute(Tuple.of(returnId, amount.toPlainString())).replaceWithVoid();
    }

    /** A return with its order's channel (for visibility checks). */
    public record VisibleReturn(String channel, ReturnView view) {
    }

    public Uni<Optional<VisibleReturn>> findReturn(UUID returnId) {
        return pool.preparedQuery(RETURN_VIEW).execute(Tuple.of(returnId)).map(rows -> first(rows).map(row -> {
            try {
                return new VisibleReturn(row.getString("channel"),
                        json.readValue(((JsonObject) row.getJson("view")).encode(), ReturnView.class));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("unreadable return JSON from the database", e);
            }
        }));
    }

    private static JsonObject outcome(RowSet<Row> rows) {
        return (JsonObject) rows.iterator().next().getJson(0);
    }

    private static Optional<Row> first(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(it.next()) : Optional.empty();
    }
}
