package io.ordo.webhook;

import java.util.List;

import io.ordo.common.OrdoException;
import io.ordo.common.Problem;
import io.ordo.common.ProblemType;

/** A webhook URL the SSRF guard does not allow (400 naming the field and the reason). */
public final class UrlRefused extends OrdoException {
    private final String reason;

    public UrlRefused(String reason) {
        super("The webhook URL is not allowed: " + reason);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }

    @Override
    public ProblemType problemType() {
        return ProblemType.VALIDATION;
    }

    @Override
    public Problem toProblem() {
        return super.toProblem().withErrors(List.of(new Problem.FieldError("url", reason)));
    }
}
