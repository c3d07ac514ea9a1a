package io.ordo.order;

import java.util.List;
import java.util.UUID;

import io.ordo.inventory.Shortage;

/**
 * What the {@code place_order} SQL function answered for one order, decoded by {@link OrderRepository}: accepted
 * (with the order as it now is) or one of the refusals, each of which changed nothing.
 */
public sealed interface Placement {

    /** Placed, with its stock reserved; {@code order} is the order document that its order.created event carries. */
    record Accepted(OrderDocument order) implements Placement {
    }

    /** Not enough stock for some SKUs (over all locations). */
    record OutOfStock(List<Shortage> shortages) implements Placement {
    }

    /** The channel already has an order with this externalId (or a resumed attempt's order exists): that order. */
    record Duplicate(UUID existingOrderId) implements Placement {
    }

    record UnknownChannel() implements Placement {
    }

    /** No hold with this id for the order's channel. */
    record HoldNotFound() implements Placement {
    }

    /** The hold was released, expired or converted already; {@code status} is the one to report. */
    record HoldNotActive(String status) implements Placement {
    }

    /** The order's lines do not name each SKU of the hold once, with the hold's quantity. */
    record HoldMismatch() implements Placement {
    }
}
