package io.ordo.order;

import static io.ordo.order.OrderStatus.ACCEPTED;
import static io.ordo.order.OrderStatus.CANCELLED;
import static io.ordo.order.OrderStatus.DELIVERED;
import static io.ordo.order.OrderStatus.PARTIALLY_SHIPPED;
import static io.ordo.order.OrderStatus.PROCESSING;
import static io.ordo.order.OrderStatus.SHIPPED;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The transition graph of API.md, checked cell by cell. */
class OrderStatusTest {

    static Set<OrderStatus> allowedFrom(OrderStatus from) {
        return switch (from) {
            case ACCEPTED -> EnumSet.of(PROCESSING, PARTIALLY_SHIPPED, SHIPPED, CANCELLED);
            case PROCESSING -> EnumSet.of(PARTIALLY_SHIPPED, SHIPPED, CANCELLED);
            case PARTIALLY_SHIPPED -> EnumSet.of(SHIPPED);
            case SHIPPED -> EnumSet.of(DELIVERED);
            case DELIVERED, CANCELLED -> EnumSet.noneOf(OrderStatus.class);
        };
    }

    @ParameterizedTest
    @EnumSource(OrderStatus.class)
    void theGraphIsExactlyAsSpecified(OrderStatus from) {
        for (OrderStatus to : OrderStatus.values()) {
            assertEquals(allowedFrom(from).contains(to), from.canMoveTo(to), from + " -> " + to);
        }
    }

    @ParameterizedTest
    @EnumSource(OrderStatus.class)
    void clientsMayOnlyStartProcessingAndConfirmDelivery(OrderStatus from) {
        for (OrderStatus to : OrderStatus.values()) {
            boolean expected = (from == ACCEPTED && to == PROCESSING) || (from == SHIPPED && to == DELIVERED);
            assertEquals(expected, from.canBeSetByClient(to), from + " -> " + to);
        }
    }

    @ParameterizedTest
    @EnumSource(OrderStatus.class)
    void onlyUnshippedOrdersCanBeCancelled(OrderStatus from) {
        assertEquals(from == ACCEPTED || from == PROCESSING, from.isCancellable(), from.name());
    }

    @ParameterizedTest
    @EnumSource(OrderStatus.class)
    void shipmentsAreTakenUntilTheLastUnitLeft(OrderStatus from) {
        assertEquals(from == ACCEPTED || from == PROCESSING || from == PARTIALLY_SHIPPED, from.acceptsShipments(),
                from.name());
        if (from.acceptsShipments()) {
            // every status a shipment can lead to is in the graph (or is the status it already has)
            assertEquals(true, from.canMoveTo(SHIPPED));
            assertEquals(true, from == PARTIALLY_SHIPPED || from.canMoveTo(PARTIALLY_SHIPPED));
        }
    }

    @org.junit.jupiter.api.Test
    void theLastShipmentShipsTheOrder() {
        assertEquals(SHIPPED, OrderStatus.afterShipment(true));
        assertEquals(PARTIALLY_SHIPPED, OrderStatus.afterShipment(false));
    }
}
