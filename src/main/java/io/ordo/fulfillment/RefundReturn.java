package io.ordo.fulfillment;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.ordo.order.Money;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of {@code POST /v1/returns/{id}/refund}. */
@RegisterForReflection
@Schema(name = "RefundReturn")
public record RefundReturn(
        @Schema(examples = "19.90", description = "In the order's currency; at most the price paid for the units "
                + "received back") @NotNull @Pattern(regexp = Money.PATTERN, message = Money.MESSAGE) String amount) {
}
