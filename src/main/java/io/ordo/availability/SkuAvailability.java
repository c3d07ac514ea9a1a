package io.ordo.availability;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** What one SKU may be promised now. */
@RegisterForReflection
@Schema(name = "SkuAvailability")
public record SkuAvailability(
        @Schema(examples = "TSHIRT-M") String sku,
        @Schema(examples = "42", description = "Units free now (onHand - reserved, never negative) over the locations "
                + "of the channel's assortment (every location without a channel, or for a channel without one)")
        int available,
        @Schema(examples = "10", nullable = true, description = "Units that may still be promised beyond `available`: "
                + "0 under DENY, the backorder limit minus the units already backordered, null when unlimited")
        Integer backorderable,
        @Schema(examples = "BACKORDER", enumeration = { "DENY", "BACKORDER", "PREORDER" },
                description = "DENY for a SKU without a policy") String inventoryPolicy,
        @Schema(format = "date-time", nullable = true, examples = "2027-03-01T09:00:00.000000Z",
                description = "The promised release or restock date, when the policy has one")
        String expectedAt) {
}
