package io.ordo.order;

import io.ordo.common.StatusTransitionRefused;

/** The order's status does not allow this change. */
public final class TransitionNotAllowed extends StatusTransitionRefused {

    public TransitionNotAllowed(OrderStatus from, OrderStatus to) {
        super("An order", from, to);
    }
}
