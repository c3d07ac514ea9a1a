package io.ordo.webhook;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.ordo.outbox.EventType;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** One entry of {@code GET /v1/webhooks/event-types}: a type a subscription may ask for. */
@Schema(name = "EventType")
@RegisterForReflection
public record EventTypeView(
        @Schema(examples = "order.created") String type,
        @Schema(examples = "An order was accepted and its stock reserved") String description) {

    static EventTypeView of(EventType type) {
        return new EventTypeView(type.wire(), type.description());
    }
}
