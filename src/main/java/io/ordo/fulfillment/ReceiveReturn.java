package io.ordo.fulfillment;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.ordo.catalog.Codes;
import io.ordo.inventory.Sku;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Body of {@code POST /v1/returns/{id}/receive}: what arrived at a location. A SKU may appear twice, once restocked
 * and once not (damaged units).
 */
@RegisterForReflection
@Schema(name = "ReceiveReturn")
public record ReceiveReturn(
        @Schema(examples = "WH-LIS") @NotNull @Pattern(regexp = Codes.PATTERN, message = Codes.MESSAGE) String location,
        @NotNull @Size(min = 1, max = 500) List<@Valid @NotNull Line> lines) {

    @RegisterForReflection
    @Schema(name = "ReceiveReturnLine")
    public record Line(
            @Schema(examples = "TSHIRT-M") @Sku String sku,
            @Schema(examples = "1") @NotNull @Min(1) @Max(100_000) Integer quantity,
            @Schema(examples = "true", description = "Put the units back into onHand at the location (default "
                    + "true); false for damaged units") Boolean restock) {

        boolean restocks() {
            return restock == null || restock;
        }
    }
}
