package io.ordo.inventory;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A hold as the API shows it; allocations are listed while the hold is ACTIVE. */
@RegisterForReflection
@Schema(name = "Hold")
public record HoldView(UUID id, @Schema(examples = "web-eu") String channel,
        @Schema(examples = "ACTIVE") HoldStatus status, Instant expiresAt, Instant createdAt,
        @Schema(description = "The order this hold became, once CONVERTED") UUID orderId, List<Line> lines) {

    @RegisterForReflection
    @Schema(name = "HeldLine")
    public record Line(@Schema(examples = "TSHIRT-M") String sku, @Schema(examples = "1") int quantity,
            List<AllocationView> allocations) {
    }
}
