package io.ordo.outbox;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Every event type Ordo emits, the one list: Java emitters name a constant, the SQL functions that emit a type
 * write its {@link #wire() wire name} as a literal (a test scans every migration and Java source so that a literal
 * missing here fails the build), webhook subscriptions accept exactly these, and
 * {@code GET /v1/webhooks/event-types} lists them. An emitted type can therefore never be unsubscribable.
 */
public enum EventType {
    ORDER_CREATED("order.created", "An order was accepted and its stock reserved"),
    ORDER_STATUS_CHANGED("order.status_changed", "An order moved to another status"),
    ORDER_CANCELLED("order.cancelled", "An order was cancelled and its reservations released"),
    ORDER_SHIPMENT_CREATED("order.shipment_created", "Units of an order were shipped from a location"),
    ORDER_RETURN_REQUESTED("order.return_requested", "A return of shipped units was requested"),
    ORDER_RETURN_RECEIVED("order.return_received", "Returned units were received (and restocked or not)"),
    ORDER_REFUNDED("order.refunded", "A return was refunded"),
    ORDER_REROUTED("order.rerouted", "An order's unshipped reservations were moved under its channel's routing rules"),
    ORDER_REJECTED("order.rejected", "An order from AMQP intake was refused for lack of stock"),
    ORDER_BACKORDER_ALLOCATED("order.backorder_allocated",
            "Units that became free were given to an order's backorders (first come, first served)"),
    HOLD_EXPIRED("hold.expired", "A hold expired and its stock was released"),
    STOCK_LOW("stock.low", "A SKU's available quantity at a location fell to its low-stock threshold"),
    STOCK_CHANGED("stock.changed",
            "A SKU's availability or policy changed (coalesced: at most one per SKU per ordo.availability.coalesce)");

    private final String wire;
    private final String description;

    EventType(String wire, String description) {
        this.wire = wire;
        this.description = description;
    }

    /** The name on every wire: outbox rows, webhook payloads, subscriptions ({@code order.created}). */
    public String wire() {
        return wire;
    }

    public String description() {
        return description;
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(EventType::wire).toList();
    }

    public static Optional<EventType> fromWire(String name) {
        return Arrays.stream(values()).filter(t -> t.wire.equals(name)).findFirst();
    }
}
