package io.ordo.order;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonFormat;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An order as the API shows it, decoded from its order document (reads and changes; intake answers with the document's
 * text itself). Its times are written as the document writes them, always with microseconds.
 */
@RegisterForReflection
@Schema(name = "Order")
public record OrderView(
        UUID id,
        @Schema(examples = "100045", description = "Human-friendly order number") long number,
        @Schema(examples = "web-eu") String channel,
        @Schema(examples = "SHOP-10045") String externalId,
        @Schema(examples = "ACCEPTED") OrderStatus status,
        @Schema(examples = "EUR") String currency,
        Customer customer,
        ShippingAddress shippingAddress,
        List<OrderLineView> lines,
        @Schema(description = "True while any line has units waiting for stock") boolean backordered,
        @Schema(description = "The routing rules the order's reservations were decided with, and when") OrderRouting routing,
        @Schema(examples = "39.80") String total,
        UUID holdId,
        @Schema(examples = "1", description = "Also the ETag; send it as If-Match to change the order safely") int version,
        @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = MICROS, timezone = "UTC") Instant createdAt,
        @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = MICROS, timezone = "UTC") Instant updatedAt,
        @Schema(description = "Shipments with carrier and tracking number, oldest first") List<ShipmentView> shipments,
        @Schema(description = "Returns, oldest first") List<ReturnView> returns) {

    /** RFC 3339 in UTC with microseconds, as {@code order_document} writes times (to_char ... US). */
    static final String MICROS = "yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'";
}
