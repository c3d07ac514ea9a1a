package io.ordo.order;

import java.util.List;

import io.ordo.common.OrdoException;
import io.ordo.common.Problem;
import io.ordo.common.ProblemType;

/**
 * The database refused a value of the order (SQL class 22) that validation let through. A 400 for this one order
 * (in a batch or over AMQP the others are placed), never a 500 and never retried.
 */
public final class UnstorableOrder extends OrdoException {

    public UnstorableOrder() {
        super("The order holds a value that cannot be stored");
    }

    @Override
    public ProblemType problemType() {
        return ProblemType.VALIDATION;
    }

    @Override
    public Problem toProblem() {
        return super.toProblem().withErrors(List.of(new Problem.FieldError("$", "holds a value that cannot be stored")));
    }
}
