package io.ordo.common;

import io.quarkus.security.ForbiddenException;

/**
 * Base of every domain failure. Each subclass is one failure a client can act on; {@link ProblemMappers} turns it
 * into a problem details response, so services only throw and never build HTTP responses.
 */
public abstract class OrdoException extends RuntimeException {
    static final String FORBIDDEN_DETAIL = "The token does not grant access to this resource";

    protected OrdoException(String message) {
        super(message, null, false, false);
    }

    public abstract ProblemType problemType();

    /** The problem body; subclasses add their domain members (shortages, existingOrderId, ...). */
    public Problem toProblem() {
        return Problem.of(problemType(), getMessage());
    }

    /**
     * Whether {@code failure} is a refusal a client can act on: an {@link OrdoException}, or a Quarkus
     * {@link ForbiddenException} (how {@code io.ordo.security}, which imports nothing of {@code common}, refuses a
     * token, e.g. one channel acting for another).
     */
    public static boolean isRefusal(Throwable failure) {
        return failure instanceof OrdoException || failure instanceof ForbiddenException;
    }

    /** The problem of a refusal (see {@link #isRefusal}); anything else is not the client's doing. */
    public static Problem problemOf(Throwable refusal) {
        if (refusal instanceof OrdoException ordo) {
            return ordo.toProblem();
        }
        if (refusal instanceof ForbiddenException forbidden) {
            // Quarkus's own refusals carry no message (or a cause's, which is not for clients)
            boolean ownMessage = forbidden.getMessage() != null && forbidden.getCause() == null;
            return Problem.of(ProblemType.FORBIDDEN, ownMessage ? forbidden.getMessage() : FORBIDDEN_DETAIL);
        }
        throw new IllegalArgumentException("not a refusal", refusal);
    }
}
