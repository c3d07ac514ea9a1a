package io.ordo.fulfillment;

import io.ordo.common.ProblemType;
import io.vertx.core.json.JsonArray;

/** A receipt names more units of a SKU than the return asked for; nothing was received. */
public final class ReturnMismatch extends LineRefusal {

    ReturnMismatch(JsonArray lines) {
        super("More units received than the return asked for (lines: received vs requested); nothing was received",
                lines);
    }

    @Override
    public ProblemType problemType() {
        return ProblemType.RETURN_MISMATCH;
    }
}
