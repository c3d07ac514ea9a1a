package io.ordo.inventory;

import io.ordo.common.OrdoException;
import io.ordo.common.Problem;
import io.ordo.common.ProblemType;

/** A hold that is expired, released, already converted, or does not match the order it should become. */
public final class HoldNotUsable extends OrdoException {
    private final String holdStatus;

    public HoldNotUsable(String message, String holdStatus) {
        super(message);
        this.holdStatus = holdStatus;
    }

    @Override
    public ProblemType problemType() {
        return ProblemType.HOLD_NOT_USABLE;
    }

    @Override
    public Problem toProblem() {
        Problem problem = super.toProblem();
        return holdStatus == null ? problem : problem.with("holdStatus", holdStatus);
    }
}
