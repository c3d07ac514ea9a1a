package io.ordo.inventory;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A SKU that cannot be reserved in full: how many were asked for and how many are available over all locations. */
@Schema(name = "Shortage")
public record Shortage(@Schema(examples = "TSHIRT-M") String sku, @Schema(examples = "2") int requested,
        @Schema(examples = "1") int available) {
}
