package io.ordo.order;

import io.ordo.common.OrdoException;
import io.ordo.common.Problem;
import io.ordo.common.ProblemType;

/** {@code If-Match} names a version the order has moved on from. */
public final class StaleVersion extends OrdoException {
    private final int currentVersion;

    public StaleVersion(int currentVersion) {
        super("The order has changed since; its current version is " + currentVersion);
        this.currentVersion = currentVersion;
    }

    @Override
    public ProblemType problemType() {
        return ProblemType.STALE_VERSION;
    }

    @Override
    public Problem toProblem() {
        return super.toProblem().with("currentVersion", currentVersion);
    }
}
