package io.ordo.order;

import java.time.Instant;
import java.util.UUID;

/**
 * Filters of the order list; a null member does not filter. {@code backordered}: true, orders with units waiting for
 * stock; false, orders without.
 */
public record OrderQuery(String channel, OrderStatus status, String sku, Instant createdFrom, Instant createdTo,
        Boolean backordered, Position after) {

    /** A keyset position: the (createdAt, id) of the last order of the previous page. */
    public record Position(Instant createdAt, UUID id) {
    }
}
