package io.ordo.order;

import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of {@code POST /v1/orders/{id}/cancel}. */
@Schema(name = "CancelOrder")
public record CancelOrder(@Schema(examples = "customer changed their mind") @Size(max = 500) String reason) {
}
