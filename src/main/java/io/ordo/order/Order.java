package io.ordo.order;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import io.ordo.common.ResourceNotFound;
import io.ordo.outbox.EventType;
import io.ordo.security.Caller;

/**
 * An order as a change is decided on it, read with its row lock held (see {@link OrderRepository#lockForChange}).
 * It owns the checks every action makes, in this order: visible to the caller (else 404, so a channel cannot learn
 * that another channel's order exists) → the version the caller saw ({@code If-Match}, else 412) → the transition
 * (else 409). Each action answers the {@link Change} to record; nothing here touches the database.
 */
public final class Order {
    private final UUID id;
    private final OrderStatus status;
    private final int version;
    private final String channel;

    public Order(UUID id, OrderStatus status, int version, String channel) {
        this.id = id;
        this.status = status;
        this.version = version;
        this.channel = channel;
    }

    /**
     * What an action changes: the status the order moves to (its own for a step that does not move it), the events
     * to record in order (one version bump for all), and whether the order's unshipped reservations are released.
     */
    public record Change(OrderStatus status, List<OrderRepository.Event> events, boolean releasesReservations) {
        public Change {
            events = List.copyOf(events);
        }
    }

    public UUID id() {
        return id;
    }

    public OrderStatus status() {
        return status;
    }

    public int version() {
        return version;
    }

    public String channel() {
        return channel;
    }

    public boolean isVisibleTo(Caller caller) {
        return caller.maySee(channel);
    }

    /** A caller that may not see the order is told it does not exist. */
    public Order requireVisibleTo(Caller caller) {
        return requireVisibleTo(caller, () -> new ResourceNotFound("Order", id.toString()));
    }

    /** As {@link #requireVisibleTo(Caller)}, for an action addressed through something else (a return). */
    public Order requireVisibleTo(Caller caller, Supplier<ResourceNotFound> notFound) {
        if (!isVisibleTo(caller)) {
            throw notFound.get();
        }
        return this;
    }

    /** {@code expected} is the version from {@code If-Match}; null when the caller sent none. */
    public Order requireVersion(Integer expected) {
        if (expected != null && expected != version) {
            throw new StaleVersion(version);
        }
        return this;
    }

    /** Cancels before anything shipped, releasing every reservation ({@code order.cancelled}). */
    public Change cancel(String reason) {
        Map<String, Object> detail = new LinkedHashMap<>();
        if (reason != null) {
            detail.put("reason", reason);
        }
        return cancellation(EventType.ORDER_CANCELLED, detail);
    }

    /**
     * A move a caller makes by naming the status ({@code order.status_changed}): ACCEPTED → PROCESSING and SHIPPED →
     * DELIVERED; naming CANCELLED cancels as {@link #cancel} does.
     */
    public Change move(OrderStatus target) {
        if (target == OrderStatus.CANCELLED) {
            return cancellation(EventType.ORDER_STATUS_CHANGED, new LinkedHashMap<>());
        }
        if (!status.canBeSetByClient(target)) {
            throw new TransitionNotAllowed(status, target);
        }
        return new Change(target, List.of(new OrderRepository.Event(EventType.ORDER_STATUS_CHANGED, from(new LinkedHashMap<>()))),
                false);
    }

    /**
     * Before the reservations move ({@code reroute_order}): only an order that may still ship has any to move. The
     * change records {@code order.rerouted} with {@code detail} (reason, excluded locations, what moved), the
     * status unchanged.
     */
    public Order acceptReroute() {
        if (!status.acceptsShipments()) {
            throw new NotReroutable(status);
        }
        return this;
    }

    public Change rerouted(Map<String, Object> detail) {
        acceptReroute();
        return new Change(status, List.of(new OrderRepository.Event(EventType.ORDER_REROUTED, detail)), false);
    }

    /** Checked before units are taken out of stock: shipments are taken until the last unit left. */
    public Order acceptShipment() {
        if (!status.acceptsShipments()) {
            throw new TransitionNotAllowed(status, OrderStatus.SHIPPED);
        }
        return this;
    }

    /**
     * After a shipment was taken out of stock: {@code order.shipment_created} with {@code detail}, and, when the
     * status moves (to PARTIALLY_SHIPPED or, once nothing is left to ship, SHIPPED), {@code order.status_changed}.
     */
    public Change shipped(UUID shipmentId, Map<String, Object> detail, boolean everythingShipped) {
        acceptShipment();
        OrderStatus next = OrderStatus.afterShipment(everythingShipped);
        List<OrderRepository.Event> events = new ArrayList<>();
        events.add(new OrderRepository.Event(EventType.ORDER_SHIPMENT_CREATED, detail));
        if (next != status) {
            events.add(new OrderRepository.Event(EventType.ORDER_STATUS_CHANGED,
                    Map.of("from", status.name(), "shipmentId", shipmentId.toString())));
        }
        return new Change(next, events, false);
    }

    /**
     * A step of one of the order's returns (requested, received, refunded): recorded as the order's event, the
     * order's status unchanged. Which units may come back is the returns' own rule.
     */
    public Change acceptReturn(OrderRepository.Event event) {
        return new Change(status, List.of(event), false);
    }

    private Change cancellation(EventType eventType, Map<String, Object> detail) {
        if (!status.isCancellable()) {
            throw new TransitionNotAllowed(status, OrderStatus.CANCELLED);
        }
        return new Change(OrderStatus.CANCELLED, List.of(new OrderRepository.Event(eventType, from(detail))), true);
    }

    private Map<String, Object> from(Map<String, Object> detail) {
        detail.put("from", status.name());
        return detail;
    }
}
