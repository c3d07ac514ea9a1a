package io.ordo.fulfillment;

import io.ordo.common.OrdoException;
import io.ordo.common.Problem;
import io.ordo.common.ProblemType;
import io.ordo.order.ReturnStatus;

/** The return's status does not allow this step (receive twice, refund before receipt, ...). */
public final class ReturnTransitionNotAllowed extends OrdoException {
    private final ReturnStatus from;
    private final ReturnStatus to;

    ReturnTransitionNotAllowed(ReturnStatus from, ReturnStatus to) {
        super("A return that is " + from + " cannot become " + to);
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
