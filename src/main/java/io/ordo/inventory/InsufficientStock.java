package io.ordo.inventory;

import java.util.List;

import io.ordo.common.OrdoException;
import io.ordo.common.Problem;
import io.ordo.common.ProblemType;

/** Some line cannot be reserved in full; nothing was reserved. */
public final class InsufficientStock extends OrdoException {
    private final List<Shortage> shortages;

    public InsufficientStock(List<Shortage> shortages) {
        super("Not enough stock for " + shortages.size() + (shortages.size() == 1 ? " SKU" : " SKUs")
                + "; nothing was reserved");
        this.shortages = List.copyOf(shortages);
    }

    @Override
    public ProblemType problemType() {
        return ProblemType.INSUFFICIENT_STOCK;
    }

    @Override
    public Problem toProblem() {
        return super.toProblem().with("shortages", shortages);
    }
}
