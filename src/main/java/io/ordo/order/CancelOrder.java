package io.ordo.order;

import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of {@code POST /v1/orders/{id}/cancel}. */
@RegisterForReflection
@Schema(name = "CancelOrder")
public record CancelOrder(@Schema(examples = "customer changed their mind") @Size(max = 500) String reason) {
}
