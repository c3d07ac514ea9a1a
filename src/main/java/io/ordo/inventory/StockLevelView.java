package io.ordo.inventory;

import java.time.Instant;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The result of a count or an adjustment: the movement recorded and the stock after it. */
@RegisterForReflection
@Schema(name = "StockMovement")
public record StockLevelView(
        @Schema(description = "Id of the ledger entry") UUID id,
        @Schema(examples = "TSHIRT-M") String sku,
        @Schema(examples = "WH-LIS") String location,
        @Schema(examples = "ADJUSTMENT") MovementKind kind,
        @Schema(examples = "-2") int delta,
        @Schema(examples = "damaged in the warehouse") String reason,
        @Schema(examples = "118") int onHand,
        @Schema(examples = "20") int reserved,
        @Schema(examples = "98") int available,
        Instant createdAt) {
}
