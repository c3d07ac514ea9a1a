package io.ordo.webhook;

import io.ordo.common.OrdoException;
import io.ordo.common.ProblemType;

/** A manual retry of a delivery that is being sent at this very moment. */
public final class DeliveryNotRetryable extends OrdoException {

    public DeliveryNotRetryable() {
        super("The delivery is being sent right now; retry it once this attempt has finished");
    }

    @Override
    public ProblemType problemType() {
        return ProblemType.CONFLICT;
    }
}
