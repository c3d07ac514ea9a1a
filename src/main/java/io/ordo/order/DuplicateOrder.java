package io.ordo.order;

import java.util.UUID;

import io.ordo.common.OrdoException;
import io.ordo.common.Problem;
import io.ordo.common.ProblemType;

/** The channel already has an order with this externalId. */
public final class DuplicateOrder extends OrdoException {
    private final UUID existingOrderId;

    public DuplicateOrder(String channel, String externalId, UUID existingOrderId) {
        super("Channel '" + channel + "' already has an order with externalId '" + externalId + "'");
        this.existingOrderId = existingOrderId;
    }

    @Override
    public ProblemType problemType() {
        return ProblemType.DUPLICATE_ORDER;
    }

    @Override
    public Problem toProblem() {
        return super.toProblem().with("existingOrderId", existingOrderId);
    }
}
