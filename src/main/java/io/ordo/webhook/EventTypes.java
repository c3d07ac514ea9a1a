package io.ordo.webhook;

import java.util.List;

/** The event types a subscription may ask for (API.md, Webhooks). */
public final class EventTypes {
    public static final List<String> ALL = List.of("order.created", "order.status_changed", "order.cancelled",
            "order.shipment_created", "order.return_requested", "order.refunded", "order.rejected", "hold.expired",
            "stock.low");

    private EventTypes() {
    }
}
