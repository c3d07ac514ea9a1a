package io.ordo.common.idempotency;

import io.ordo.common.OrdoException;
import io.ordo.common.ProblemType;

/** The key is held by a request that has not finished yet (409), or was used with another body (422). */
public final class IdempotencyConflict extends OrdoException {
    private final ProblemType type;

    private IdempotencyConflict(ProblemType type, String message) {
        super(message);
        this.type = type;
    }

    static IdempotencyConflict inFlight() {
        return new IdempotencyConflict(ProblemType.REQUEST_IN_FLIGHT,
                "A request with this Idempotency-Key is still being processed; retry later");
    }

    static IdempotencyConflict reusedWithAnotherBody() {
        return new IdempotencyConflict(ProblemType.IDEMPOTENCY_KEY_REUSED,
                "This Idempotency-Key was used with a different request");
    }

    @Override
    public ProblemType problemType() {
        return type;
    }
}
