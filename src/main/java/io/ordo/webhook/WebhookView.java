package io.ordo.webhook;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A subscription as the API shows it; {@code secret} only in the answer to its creation. */
@RegisterForReflection
@Schema(name = "Webhook")
public record WebhookView(
        UUID id,
        @Schema(examples = "https://shop.example.com/ordo/webhooks") String url,
        @Schema(examples = "[\"order.created\"]") List<String> events,
        @Schema(examples = "web-eu", description = "null: every channel") String channel,
        String description,
        boolean enabled,
        @Schema(description = "Why Ordo disabled the endpoint (410 Gone, failing for too long)") String disabledReason,
        Instant createdAt,
        Instant updatedAt,
        @Schema(examples = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", description = "Shown only at creation")
        @JsonInclude(JsonInclude.Include.NON_NULL) String secret) {

    WebhookView withSecret(String newSecret) {
        return new WebhookView(id, url, events, channel, description, enabled, disabledReason, createdAt, updatedAt,
                newSecret);
    }

    @Override
    public String toString() {
        return "WebhookView[id=" + id + ", url=" + url + ", events=" + events + ", channel=" + channel + "]";
    }
}
