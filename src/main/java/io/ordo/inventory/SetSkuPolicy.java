package io.ordo.inventory;

import java.time.Instant;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of {@code PUT /v1/skus/{sku}/policy}. */
@RegisterForReflection
@Schema(name = "SetSkuPolicy")
public record SetSkuPolicy(
        @Schema(examples = "BACKORDER") @NotNull InventoryPolicy inventoryPolicy,
        @Schema(examples = "100", description = "Most units backordered (or pre-ordered) for the SKU at once; absent: "
                + "unlimited. Lowering it below what already waits refuses new backorders and keeps the waiting ones")
        @Min(0) @Max(StockLimits.MAX_ON_HAND) Integer limit,
        @Schema(examples = "2027-03-01T00:00:00Z", description = "Release date: required for PREORDER, shown on "
                + "pre-order lines (the waiting ones take a new date when it changes)") Instant expectedAt) {
}
