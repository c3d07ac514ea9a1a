package io.ordo.inbound;

import io.ordo.common.OrdoException;
import io.ordo.common.ProblemType;

/** An inbound webhook whose signature is missing, wrong or stale, or for a channel without an inbound secret. */
public final class SignatureRejected extends OrdoException {

    public SignatureRejected() {
        super("The webhook signature is missing, invalid or older than 5 minutes");
    }

    @Override
    public ProblemType problemType() {
        return ProblemType.UNAUTHORIZED;
    }
}
