package io.ordo.order;

import java.time.Instant;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** One recorded change of an order; {@code sequence} counts the order's events from 1. */
@RegisterForReflection
@Schema(name = "OrderHistoryEntry")
public record OrderHistoryEntry(
        @Schema(examples = "2") int sequence,
        @Schema(examples = "order.status_changed") String type,
        @Schema(examples = "PROCESSING") OrderStatus status,
        Map<String, Object> detail,
        @Schema(examples = "warehouse-user") String actor,
        Instant createdAt) {
}
