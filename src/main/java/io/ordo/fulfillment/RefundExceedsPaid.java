package io.ordo.fulfillment;

import io.ordo.common.OrdoException;
import io.ordo.common.Problem;
import io.ordo.common.ProblemType;

/** The refund is larger than the price paid for the returned units minus what was refunded already. */
public final class RefundExceedsPaid extends OrdoException {
    private final String requested;
    private final String refundable;

    RefundExceedsPaid(String requested, String refundable, String currency) {
        super("A refund of " + requested + " " + currency + " exceeds the " + refundable + " " + currency
                + " paid for the returned units; nothing was refunded");
        this.requested = requested;
        this.refundable = refundable;
    }

    @Override
    public ProblemType problemType() {
        return ProblemType.REFUND_EXCEEDS_PAID;
    }

    @Override
    public Problem toProblem() {
        return super.toProblem().with("requestedAmount", requested).with("refundableAmount", refundable);
    }
}
