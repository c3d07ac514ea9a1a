package io.ordo.order;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A return of shipped units: asked for, received (restocked or not), refunded. */
@RegisterForReflection
@Schema(name = "Return")
public record ReturnView(
        UUID id,
        UUID orderId,
        @Schema(examples = "REQUESTED") ReturnStatus status,
        @Schema(examples = "too small") String reason,
        @Schema(examples = "WH-LIS", description = "Where the units were received; null until then") String location,
        @Schema(examples = "EUR") String currency,
        List<Line> lines,
        @Schema(examples = "19.90", description = "Refunded so far, in the order's currency") String refundedAmount,
        Instant createdAt,
        Instant receivedAt,
        Instant refundedAt,
        Instant updatedAt) {

    @RegisterForReflection
    @Schema(name = "ReturnLine")
    public record Line(
            @Schema(examples = "TSHIRT-M") String sku,
            @Schema(examples = "2", description = "Units asked back") int quantity,
            @Schema(examples = "2", description = "Units that arrived (0 until received)") int received,
            @Schema(examples = "1", description = "Units put back into onHand; received - restocked were damaged") int restocked) {
    }
}
