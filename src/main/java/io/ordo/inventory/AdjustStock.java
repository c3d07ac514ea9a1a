package io.ordo.inventory;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of {@code POST /v1/stock/{sku}/{locationCode}/adjustments}: a relative change of {@code onHand}. */
@RegisterForReflection
@Schema(name = "AdjustStock")
public record AdjustStock(
        @Schema(examples = "-2", description = "Units added (positive) or removed (negative); not 0")
        @NotNull @Min(-StockLimits.MAX_ON_HAND) @Max(StockLimits.MAX_ON_HAND) Integer delta,
        @Schema(examples = "damaged in the warehouse") @NotBlank @Size(max = 500) String reason) {
}
