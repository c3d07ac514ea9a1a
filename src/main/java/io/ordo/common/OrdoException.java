package io.ordo.common;

/**
 * Base of every domain failure. Each subclass is one failure a client can act on; {@link ProblemMappers} turns it
 * into a problem details response, so services only throw and never build HTTP responses.
 */
public abstract class OrdoException extends RuntimeException {

    protected OrdoException(String message) {
        super(message, null, false, false);
    }

    public abstract ProblemType problemType();

    /** The problem body; subclasses add their domain members (shortages, existingOrderId, ...). */
    public Problem toProblem() {
        return Problem.of(problemType(), getMessage());
    }
}
