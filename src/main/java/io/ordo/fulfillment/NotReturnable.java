package io.ordo.fulfillment;

import io.ordo.common.ProblemType;
import io.vertx.core.json.JsonArray;

/** Some line asks back more units than were shipped and not yet claimed by another return; nothing was recorded. */
public final class NotReturnable extends LineRefusal {

    NotReturnable(JsonArray lines) {
        super("More units than were shipped and not yet returned (lines: requested vs returnable); "
                + "nothing was recorded", lines);
    }

    @Override
    public ProblemType problemType() {
        return ProblemType.NOT_RETURNABLE;
    }
}
