package io.ordo.inventory;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of {@code PUT /v1/stock/{sku}/{locationCode}}: the counted quantity (and optionally a low-stock threshold). */
@RegisterForReflection
@Schema(name = "SetStock")
public record SetStock(
        @Schema(examples = "120", description = "Units physically at the location; never below what is reserved")
        @NotNull @Min(0) @Max(StockLimits.MAX_ON_HAND) Integer onHand,
        @Schema(examples = "10", description = "Contract extension: this row's own low-stock threshold (`stock.low` "
                + "fires when available falls to it or below); absent keeps the current one, by default "
                + "`ordo.stock.low-threshold`")
        @Min(0) @Max(StockLimits.MAX_ON_HAND) Integer lowStockThreshold) {
}
