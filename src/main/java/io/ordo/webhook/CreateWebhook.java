package io.ordo.webhook;

import java.util.List;

import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.ordo.catalog.Codes;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of {@code POST /v1/webhooks}. */
@RegisterForReflection
@Schema(name = "CreateWebhook")
public record CreateWebhook(
        @Schema(examples = "https://shop.example.com/ordo/webhooks", description = "https (http only where "
                + "configuration allows it); loopback, private and link-local targets are refused")
        @NotNull @Size(max = WebhookUrlGuard.MAX_URL_LENGTH) String url,
        @Schema(examples = "[\"order.created\", \"order.status_changed\"]", description = "Event types to deliver")
        @NotEmpty @Size(max = 20) List<@NotNull String> events,
        @Schema(examples = "web-eu", description = "Only this channel's events (and stock.changed, which "
                + "belongs to no channel); absent = every channel (admin only). A channel token's subscriptions are "
                + "always for its own channel.")
        @Pattern(regexp = Codes.PATTERN, message = Codes.MESSAGE) String channel,
        @Schema(examples = "Order updates for the EU shop") @Size(max = 500) String description) {
}
