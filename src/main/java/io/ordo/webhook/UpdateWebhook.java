package io.ordo.webhook;

import java.util.List;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of {@code PATCH /v1/webhooks/{id}}: absent members stay as they are. */
@RegisterForReflection
@Schema(name = "UpdateWebhook")
public record UpdateWebhook(
        @Schema(examples = "https://shop.example.com/ordo/webhooks") @Size(max = WebhookUrlGuard.MAX_URL_LENGTH) String url,
        @Schema(examples = "[\"order.created\"]") @Size(min = 1, max = 20) List<@NotNull String> events,
        @Size(max = 500) String description,
        @Schema(description = "false pauses deliveries; true re-enables a disabled endpoint") Boolean enabled) {
}
