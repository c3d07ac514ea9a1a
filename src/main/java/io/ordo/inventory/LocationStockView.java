package io.ordo.inventory;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Stock of one SKU at one location. */
@RegisterForReflection
@Schema(name = "LocationStock")
public record LocationStockView(
        @Schema(examples = "WH-LIS") String location,
        @Schema(examples = "120") int onHand,
        @Schema(examples = "20") int reserved,
        @Schema(examples = "100", description = "onHand - reserved, never negative") int available,
        @Schema(examples = "10", description = "Contract extension: this row's own low-stock threshold, null when "
                + "`ordo.stock.low-threshold` applies") Integer lowStockThreshold) {

    static LocationStockView of(String location, int onHand, int reserved, Integer lowStockThreshold) {
        return new LocationStockView(location, onHand, reserved, Math.max(0, onHand - reserved), lowStockThreshold);
    }
}
