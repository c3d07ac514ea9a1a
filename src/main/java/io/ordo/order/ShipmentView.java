package io.ordo.order;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A shipment of an order: units of its lines that left one location with a carrier. */
@RegisterForReflection
@Schema(name = "Shipment")
public record ShipmentView(
        UUID id,
        @Schema(examples = "WH-LIS", description = "Where the units left from") String location,
        @Schema(examples = "DHL") String carrier,
        @Schema(examples = "JD014600003828") String trackingNumber,
        List<Line> lines,
        Instant createdAt) {

    @RegisterForReflection
    @Schema(name = "ShipmentLine")
    public record Line(@Schema(examples = "TSHIRT-M") String sku, @Schema(examples = "2") int quantity) {
    }
}
