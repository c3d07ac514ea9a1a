package io.ordo.order;

import io.ordo.common.OrdoException;
import io.ordo.common.ProblemType;

/** A change that must name the version it was decided on ({@code If-Match}) came without one: 428. */
public final class VersionRequired extends OrdoException {

    public VersionRequired() {
        super("This change needs If-Match with the order's ETag (its version), as GET /v1/orders/{id} gives it");
    }

    @Override
    public ProblemType problemType() {
        return ProblemType.PRECONDITION_REQUIRED;
    }
}
