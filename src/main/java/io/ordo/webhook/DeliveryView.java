package io.ordo.webhook;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** One event for one subscription, with every attempt so far. */
@RegisterForReflection
@Schema(name = "WebhookDelivery")
public record DeliveryView(
        UUID id,
        @Schema(description = "The webhook-id header: the same on every attempt") UUID webhookId,
        @Schema(examples = "order.created") String eventType,
        @Schema(description = "The order (or hold) the event is about") UUID subject,
        @Schema(examples = "1") int sequence,
        DeliveryStatus status,
        Instant createdAt,
        @Schema(description = "When the next attempt is due (PENDING only)") Instant nextAttemptAt,
        @Schema(description = "When it was delivered or given up") Instant finishedAt,
        List<Attempt> attempts) {

    /** One POST to the endpoint. */
    @RegisterForReflection
    @Schema(name = "WebhookAttempt")
    public record Attempt(
            @Schema(examples = "1") int attempt,
            Instant attemptedAt,
            @Schema(examples = "500", description = "null when no response came (timeout, connection refused)")
            Integer statusCode,
            @Schema(examples = "42") int latencyMs,
            @Schema(examples = "HTTP 500") String error) {
    }
}
