package io.ordo.inventory;

import io.ordo.common.OrdoException;
import io.ordo.common.Problem;
import io.ordo.common.ProblemType;

/** A count or adjustment that would leave fewer units on hand than are reserved, or more than the maximum. */
public final class StockLevelRefused extends OrdoException {
    private final String sku;
    private final String location;
    private final int onHand;
    private final int reserved;

    public StockLevelRefused(String sku, String location, int requestedOnHand, int onHand, int reserved) {
        super(requestedOnHand < reserved
                ? "onHand of " + sku + " at " + location + " cannot become " + requestedOnHand + ": " + reserved
                        + " units are reserved"
                : "onHand of " + sku + " at " + location + " cannot become " + requestedOnHand + ": the maximum is "
                        + StockLimits.MAX_ON_HAND);
        this.sku = sku;
        this.location = location;
        this.onHand = onHand;
        this.reserved = reserved;
    }

    @Override
    public ProblemType problemType() {
        return ProblemType.STOCK_LEVEL_REFUSED;
    }

    @Override
    public Problem toProblem() {
        return super.toProblem().with("sku", sku).with("location", location).with("onHand", onHand)
                .with("reserved", reserved);
    }
}
