package io.ordo.order;

import jakarta.validation.constraints.NotNull;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of {@code POST /v1/orders/{id}/status}. */
@Schema(name = "ChangeStatus")
public record ChangeStatus(@Schema(examples = "PROCESSING") @NotNull OrderStatus status) {
}
