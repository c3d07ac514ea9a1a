package io.ordo.order;

import java.util.List;

import io.ordo.common.OrdoException;
import io.ordo.common.Problem;
import io.ordo.common.ProblemType;

/**
 * An order body that is not valid JSON, not an order, or breaks a field rule: a 400 problem naming every bad field
 * (the same problem {@code POST /v1/orders} answers for the same body).
 */
public final class OrderBodyRefused extends OrdoException {
    private final Problem problem;

    OrderBodyRefused(Problem problem) {
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

    /** The field errors, empty for a body that is not JSON at all. */
    public List<Problem.FieldError> errors() {
        return problem.getErrors() == null ? List.of() : problem.getErrors();
    }

    /** One line for a log or a dead letter: the detail, then each field and what is wrong with it. */
    public String reason() {
        if (errors().isEmpty()) {
            return problem.getDetail();
        }
        StringBuilder reason = new StringBuilder(problem.getDetail()).append(':');
        errors().forEach(e -> reason.append(' ').append(e.field()).append(' ').append(e.message()).append(';'));
        return reason.toString();
    }
}
