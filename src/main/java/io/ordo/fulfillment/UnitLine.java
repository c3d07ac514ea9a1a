package io.ordo.fulfillment;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.ordo.inventory.Sku;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Units of one SKU in a shipment or a return request. */
@RegisterForReflection
@Schema(name = "UnitLine")
public record UnitLine(
        @Schema(examples = "TSHIRT-M") @Sku String sku,
        @Schema(examples = "2") @NotNull @Min(1) @Max(100_000) Integer quantity) {
}
