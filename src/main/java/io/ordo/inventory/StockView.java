package io.ordo.inventory;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Stock of one SKU: totals over all locations, then each location in reservation order. */
@RegisterForReflection
@Schema(name = "Stock")
public record StockView(
        @Schema(examples = "TSHIRT-M") String sku,
        @Schema(examples = "150") long onHand,
        @Schema(examples = "20") long reserved,
        @Schema(examples = "130") long available,
        List<LocationStockView> locations) {

    static StockView of(String sku, List<LocationStockView> locations) {
        long onHand = locations.stream().mapToLong(LocationStockView::onHand).sum();
        long reserved = locations.stream().mapToLong(LocationStockView::reserved).sum();
        long available = locations.stream().mapToLong(LocationStockView::available).sum();
        return new StockView(sku, onHand, reserved, available, locations);
    }
}
