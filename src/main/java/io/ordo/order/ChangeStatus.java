package io.ordo.order;

import jakarta.validation.constraints.NotNull;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of {@code POST /v1/orders/{id}/status}. */
@RegisterForReflection
@Schema(name = "ChangeStatus")
public record ChangeStatus(@Schema(examples = "PROCESSING") @NotNull OrderStatus status) {
}
