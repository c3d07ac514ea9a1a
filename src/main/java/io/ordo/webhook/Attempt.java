package io.ordo.webhook;

import java.time.Instant;
import java.util.UUID;

/**
 * The outcome of one POST of a delivery, and what follows from it.
 *
 * @param attempt the claim's attempt number (fences the update against a later claim of the same delivery)
 * @param statusCode the endpoint's status, null when no response came
 * @param kind {@code success}, {@code http_error}, {@code gone}, {@code timeout}, {@code network_error} or
 *            {@code refused} (the SSRF guard stopped it)
 * @param next the delivery's status after this attempt
 * @param nextAttemptAt when to try again (PENDING only)
 */
record Attempt(UUID deliveryId, UUID subscriptionId, int attempt, Instant attemptedAt, Integer statusCode,
        int latencyMs, String error, String kind, DeliveryStatus next, Instant nextAttemptAt, Instant eventCreatedAt) {

    boolean succeeded() {
        return next == DeliveryStatus.DELIVERED;
    }

    boolean gone() {
        return "gone".equals(kind);
    }
}
