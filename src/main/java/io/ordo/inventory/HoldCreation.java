package io.ordo.inventory;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What the {@code create_hold} SQL function answered, decoded by {@link HoldRepository}. */
public sealed interface HoldCreation {

    /**
     * Created with its stock reserved: when, the allocations of each line and what waits for stock (by line number,
     * from 1).
     */
    record Accepted(Instant createdAt, Map<Integer, List<AllocationView>> allocations,
            Map<Integer, HoldView.Line.Waiting> waiting) implements HoldCreation {
    }

    /** A hold with this id exists already (an earlier attempt under the same idempotency key); nothing changed. */
    record Exists() implements HoldCreation {
    }

    /** Not enough stock for some SKUs; nothing changed. */
    record OutOfStock(List<Shortage> shortages) implements HoldCreation {
    }

    record UnknownChannel() implements HoldCreation {
    }
}
