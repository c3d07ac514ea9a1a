package io.ordo.order;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The life of an order. {@link #canMoveTo} is the whole transition graph; {@link #canBeSetByClient} is the part of it
 * that {@code POST /v1/orders/{id}/status} may walk (the rest is driven by shipments and cancellation).
 */
public enum OrderStatus {
    ACCEPTED, PROCESSING, PARTIALLY_SHIPPED, SHIPPED, DELIVERED, CANCELLED;

    private static final Map<OrderStatus, Set<OrderStatus>> NEXT = Map.of(
            ACCEPTED, EnumSet.of(PROCESSING, PARTIALLY_SHIPPED, SHIPPED, CANCELLED),
            PROCESSING, EnumSet.of(PARTIALLY_SHIPPED, SHIPPED, CANCELLED),
            PARTIALLY_SHIPPED, EnumSet.of(SHIPPED),
            SHIPPED, EnumSet.of(DELIVERED),
            DELIVERED, EnumSet.noneOf(OrderStatus.class),
            CANCELLED, EnumSet.noneOf(OrderStatus.class));

    private static final Map<OrderStatus, OrderStatus> SET_BY_CLIENT = Map.of(ACCEPTED, PROCESSING, SHIPPED, DELIVERED);

    public boolean canMoveTo(OrderStatus target) {
        return NEXT.get(this).contains(target);
    }

    /** ACCEPTED → PROCESSING and SHIPPED → DELIVERED, the moves a caller makes by naming the status. */
    public boolean canBeSetByClient(OrderStatus target) {
        return SET_BY_CLIENT.get(this) == target;
    }

    public boolean isCancellable() {
        return canMoveTo(CANCELLED);
    }

    /** Whether units may still be shipped: before the last one left, and not after a cancellation. */
    public boolean acceptsShipments() {
        return canMoveTo(SHIPPED);
    }

    /** The status after a shipment: SHIPPED once nothing is left to ship, else PARTIALLY_SHIPPED. */
    public static OrderStatus afterShipment(boolean everythingShipped) {
        return everythingShipped ? SHIPPED : PARTIALLY_SHIPPED;
    }
}
