package io.ordo.order;

import static io.ordo.order.OrderStatus.ACCEPTED;
import static io.ordo.order.OrderStatus.CANCELLED;
import static io.ordo.order.OrderStatus.DELIVERED;
import static io.ordo.order.OrderStatus.PARTIALLY_SHIPPED;
import static io.ordo.order.OrderStatus.PROCESSING;
import static io.ordo.order.OrderStatus.SHIPPED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.ordo.outbox.EventType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.ordo.common.ResourceNotFound;
import io.ordo.security.Caller;

/** The checks every action on an order makes, and what each transition records; no database, no framework. */
class OrderTest {
    static final Caller ADMIN = new Caller("admin", true, false, Optional.empty());
    static final Caller FULFILLMENT = new Caller("picker", false, true, Optional.empty());
    static final Caller OWN_CHANNEL = new Caller("shop", false, false, Optional.of("web"));
    static final Caller OTHER_CHANNEL = new Caller("rival", false, false, Optional.of("pos"));

    static Order order(OrderStatus status) {
        return new Order(UUID.randomUUID(), status, 3, "web");
    }

    @Test
    void adminsFulfillmentAndTheOrdersOwnChannelSeeIt() {
        Order order = order(ACCEPTED);
        assertSame(order, order.requireVisibleTo(ADMIN));
        assertSame(order, order.requireVisibleTo(FULFILLMENT));
        assertSame(order, order.requireVisibleTo(OWN_CHANNEL));
    }

    @Test
    void anotherChannelIsToldTheOrderDoesNotExist() {
        Order order = order(ACCEPTED);
        ResourceNotFound notFound = assertThrows(ResourceNotFound.class, () -> order.requireVisibleTo(OTHER_CHANNEL));
        assertEquals("Order '" + order.id() + "' was not found", notFound.getMessage());
        ResourceNotFound viaReturn = assertThrows(ResourceNotFound.class,
                () -> order.requireVisibleTo(OTHER_CHANNEL, () -> new ResourceNotFound("Return", "r-1")));
        assertEquals("Return 'r-1' was not found", viaReturn.getMessage());
    }

    @Test
    void noIfMatchOrTheCurrentVersionPassesAnyOtherIsStale() {
        Order order = order(ACCEPTED);
        assertSame(order, order.requireVersion(null));
        assertSame(order, order.requireVersion(3));
        StaleVersion stale = assertThrows(StaleVersion.class, () -> order.requireVersion(2));
        assertEquals(3, stale.toProblem().extensions().get("currentVersion"));
        assertEquals(412, stale.toProblem().getStatus());
    }

    @ParameterizedTest
    @EnumSource(OrderStatus.class)
    void onlyAnUnshippedOrderCancelsAndItsReservationsAreReleased(OrderStatus from) {
        Order order = order(from);
        if (from == ACCEPTED || from == PROCESSING) {
            Order.Change change = order.cancel("customer changed their mind");
            assertEquals(CANCELLED, change.status());
            assertTrue(change.releasesReservations());
            assertEquals(List.of(new OrderRepository.Event(EventType.ORDER_CANCELLED,
                    Map.of("reason", "customer changed their mind", "from", from.name()))), change.events());
            assertEquals(Map.of("from", from.name()), order.cancel(null).events().get(0).detail());
        } else {
            TransitionNotAllowed refused = assertThrows(TransitionNotAllowed.class, () -> order.cancel(null));
            assertEquals(from, refused.toProblem().extensions().get("currentStatus"));
            assertEquals(CANCELLED, refused.toProblem().extensions().get("requestedStatus"));
        }
    }

    @ParameterizedTest
    @EnumSource(OrderStatus.class)
    void aCallerStartsProcessingAndConfirmsDeliveryAndNothingElse(OrderStatus from) {
        Order order = order(from);
        for (OrderStatus to : OrderStatus.values()) {
            if (to == CANCELLED) {
                continue; // naming CANCELLED cancels, see below
            }
            boolean allowed = (from == ACCEPTED && to == PROCESSING) || (from == SHIPPED && to == DELIVERED);
            if (allowed) {
                Order.Change change = order.move(to);
                assertEquals(to, change.status());
                assertFalse(change.releasesReservations());
                assertEquals(List.of(new OrderRepository.Event(EventType.ORDER_STATUS_CHANGED, Map.of("from", from.name()))),
                        change.events());
            } else {
                assertThrows(TransitionNotAllowed.class, () -> order.move(to), from + " -> " + to);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(OrderStatus.class)
    void namingCancelledCancelsLikeACancellation(OrderStatus from) {
        Order order = order(from);
        if (from.isCancellable()) {
            Order.Change change = order.move(CANCELLED);
            assertEquals(CANCELLED, change.status());
            assertTrue(change.releasesReservations());
            assertEquals(EventType.ORDER_STATUS_CHANGED, change.events().get(0).type());
        } else {
            assertThrows(TransitionNotAllowed.class, () -> order.move(CANCELLED));
        }
    }

    @ParameterizedTest
    @EnumSource(OrderStatus.class)
    void shipmentsAreTakenUntilTheLastUnitLeft(OrderStatus from) {
        Order order = order(from);
        if (from == ACCEPTED || from == PROCESSING || from == PARTIALLY_SHIPPED) {
            assertSame(order, order.acceptShipment());
        } else {
            TransitionNotAllowed refused = assertThrows(TransitionNotAllowed.class, order::acceptShipment);
            assertEquals(SHIPPED, refused.toProblem().extensions().get("requestedStatus"));
            assertThrows(TransitionNotAllowed.class, () -> order.shipped(UUID.randomUUID(), Map.of(), true));
        }
    }

    @Test
    void aPartialShipmentMovesTheOrderOnceAndTheLastOneShipsIt() {
        UUID shipment = UUID.randomUUID();
        Map<String, Object> detail = Map.of("shipmentId", shipment.toString());

        Order.Change first = order(PROCESSING).shipped(shipment, detail, false);
        assertEquals(PARTIALLY_SHIPPED, first.status());
        assertEquals(List.of(new OrderRepository.Event(EventType.ORDER_SHIPMENT_CREATED, detail),
                new OrderRepository.Event(EventType.ORDER_STATUS_CHANGED,
                        Map.of("from", "PROCESSING", "shipmentId", shipment.toString()))), first.events());

        Order.Change second = order(PARTIALLY_SHIPPED).shipped(shipment, detail, false);
        assertEquals(PARTIALLY_SHIPPED, second.status());
        assertEquals(List.of(new OrderRepository.Event(EventType.ORDER_SHIPMENT_CREATED, detail)), second.events(),
                "the status did not move: no status event");

        Order.Change last = order(PARTIALLY_SHIPPED).shipped(shipment, detail, true);
        assertEquals(SHIPPED, last.status());
        assertEquals(EventType.ORDER_STATUS_CHANGED, last.events().get(1).type());
        assertFalse(last.releasesReservations());
    }

    @ParameterizedTest
    @EnumSource(OrderStatus.class)
    void aReturnStepIsRecordedWithoutMovingTheOrder(OrderStatus from) {
        OrderRepository.Event event = new OrderRepository.Event(EventType.ORDER_RETURN_RECEIVED, Map.of("returnId", "r-1"));
        Order.Change change = order(from).acceptReturn(event);
        assertEquals(from, change.status());
        assertEquals(List.of(event), change.events());
        assertFalse(change.releasesReservations());
    }
}
