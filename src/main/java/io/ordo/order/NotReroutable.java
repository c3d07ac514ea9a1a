package io.ordo.order;

import io.ordo.common.OrdoException;
import io.ordo.common.Problem;
import io.ordo.common.ProblemType;

/** A reroute of an order that has no unshipped reservations left to move (shipped, delivered or cancelled). */
public final class NotReroutable extends OrdoException {
    private final OrderStatus status;

    public NotReroutable(OrderStatus status) {
        super("An order that is " + status + " has no reservations left to reroute");
        this.status = status;
    }

    @Override
    public ProblemType problemType() {
        return ProblemType.CONFLICT;
    }

    @Override
    public Problem toProblem() {
        return super.toProblem().with("currentStatus", status);
    }
}
