package io.ordo.order;

import io.ordo.common.OrdoException;
import io.ordo.common.Problem;
import io.ordo.common.ProblemType;

/** The order's status does not allow this change. */
public final class TransitionNotAllowed extends OrdoException {
    private final OrderStatus from;
    private final OrderStatus to;

    public TransitionNotAllowed(OrderStatus from, OrderStatus to) {
        super("An order that is " + from + " cannot become " + to);
        this.from = from;
        this.to = to;
    }

    @Override
    public ProblemType problemType() {
        return ProblemType.TRANSITION_NOT_ALLOWED;
    }

    @Override
    public Problem toProblem() {
        return super.toProblem().with("currentStatus", from).with("requestedStatus", to);
    }
}
