package io.ordo.common;

import java.util.List;

/** A request that is well-formed JSON but breaks a rule that Bean Validation cannot express. */
public final class InvalidRequest extends OrdoException {
    private final List<Problem.FieldError> errors;

    public InvalidRequest(String field, String message) {
        super("The request has an invalid field");
        this.errors = List.of(new Problem.FieldError(field, message));
    }

    @Override
    public ProblemType problemType() {
        return ProblemType.VALIDATION;
    }

    @Override
    public Problem toProblem() {
        return super.toProblem().withErrors(errors);
    }
}
