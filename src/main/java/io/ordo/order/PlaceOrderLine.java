package io.ordo.order;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.ordo.inventory.Sku;
import io.quarkus.runtime.annotations.RegisterForReflection;

@RegisterForReflection
@Schema(name = "PlaceOrderLine")
public record PlaceOrderLine(
        @Schema(examples = "TSHIRT-M") @Sku String sku,
        @Schema(examples = "2") @NotNull @Min(1) @Max(100_000) Integer quantity,
        @Schema(examples = "19.90", description = "Price of one unit, a decimal string in the order's currency")
        @NotNull @Pattern(regexp = Money.PATTERN, message = Money.MESSAGE) String unitPrice) {
}
