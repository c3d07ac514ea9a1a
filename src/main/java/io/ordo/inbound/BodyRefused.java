package io.ordo.inbound;

import io.ordo.common.OrdoException;
import io.ordo.common.Problem;
import io.ordo.common.ProblemType;

/** A correctly signed inbound body that is not a valid order (400 with the same detail as POST /v1/orders). */
final class BodyRefused extends OrdoException {
    private final Problem problem;

    BodyRefused(Problem problem) {
        super(problem.getDetail());
        this.problem = problem;
    }

    @Override
    public ProblemType problemType() {
        return ProblemType.VALIDATION;
    }

    @Override
    public Problem toProblem() {
        return problem;
    }
}
