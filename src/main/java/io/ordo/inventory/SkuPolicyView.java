package io.ordo.inventory;

import java.time.Instant;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonFormat;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A SKU's policy as the API shows it; a SKU never given one is DENY with no updatedAt. */
@RegisterForReflection
@Schema(name = "SkuPolicy")
public record SkuPolicyView(
        @Schema(examples = "TSHIRT-M") String sku,
        @Schema(examples = "BACKORDER") InventoryPolicy inventoryPolicy,
        @Schema(examples = "100", description = "Null: unlimited") Integer limit,
        @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = MICROS, timezone = "UTC") Instant expectedAt,
        @Schema(examples = "12", description = "Units waiting in backorders now") int backordered,
        @Schema(examples = "88", description = "Units that may still be backordered: 0 under DENY, null when "
                + "unlimited") Integer backorderable,
        @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = MICROS, timezone = "UTC") Instant updatedAt) {

    static final String MICROS = "yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'";
}
