package io.ordo.inventory;

import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonFormat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

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
            List<AllocationView> allocations,
            @Schema(examples = "0", description = "Units waiting for stock (the SKU's policy backorders or pre-orders "
                    + "them); they go with the hold into its order") int backordered,
            @Schema(description = "For a pre-order line: the promised release date; null otherwise")
            @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = "yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'", timezone = "UTC")
            Instant expectedAt) {

        /** A line as it waits: units backordered and the pre-order date (null), by line number from the SQL answer. */
        record Waiting(int backordered, Instant expectedAt) {
            static final Waiting NONE = new Waiting(0, null);

            static Map<Integer, Waiting> byLine(JsonArray lines) {
                Map<Integer, Waiting> waiting = new HashMap<>();
                for (int i = 0; lines != null && i < lines.size(); i++) {
                    JsonObject line = lines.getJsonObject(i);
                    Integer backordered = line.getInteger("backordered");
                    if (backordered != null && backordered > 0) {
                        String expectedAt = line.getString("expectedAt");
                        waiting.put(i + 1, new Waiting(backordered,
                                expectedAt == null ? null : OffsetDateTime.parse(expectedAt).toInstant()));
                    }
                }
                return waiting;
            }
        }
    }
}
