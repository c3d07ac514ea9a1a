package io.ordo.webhook;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A claimed delivery with what is needed to send it. Holds secrets: never log it. */
record DueDelivery(UUID id, UUID subscriptionId, UUID eventId, String body, int attempt, Instant eventCreatedAt,
        String url, List<String> secrets) {

    @Override
    public String toString() {
        return "DueDelivery[id=" + id + ", subscription=" + subscriptionId + ", attempt=" + attempt + "]";
    }
}
