package io.ordo.fulfillment;

import io.ordo.common.ProblemType;
import io.vertx.core.json.JsonArray;

/** Some line asks for more units than the order still has reserved at that location; nothing was shipped. */
public final class NotShippable extends LineRefusal {

    NotShippable(String location, JsonArray lines) {
        super("More units than the order has reserved at " + location + " for " + lines.size()
                + (lines.size() == 1 ? " line" : " lines") + " (lines: requested vs shippable); nothing was shipped",
                lines);
    }

    @Override
    public ProblemType problemType() {
        return ProblemType.NOT_SHIPPABLE;
    }
}
