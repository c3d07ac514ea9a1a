package io.ordo.order;

import java.time.Instant;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonFormat;

import io.ordo.inventory.AllocationView;
import io.quarkus.runtime.annotations.RegisterForReflection;

@RegisterForReflection
@Schema(name = "OrderLine")
public record OrderLineView(
        @Schema(examples = "TSHIRT-M") String sku,
        @Schema(examples = "2") int quantity,
        @Schema(examples = "19.90") String unitPrice,
        List<AllocationView> allocations,
        @Schema(examples = "0", description = "Units of this line waiting for stock (backordered or pre-ordered); they "
                + "get allocations first come, first served as stock arrives") int backordered,
        @Schema(description = "For a pre-order line: the release date it was promised with (the SKU policy's "
                + "expectedAt, kept current while the line waits); null otherwise")
        @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = OrderView.MICROS, timezone = "UTC") Instant expectedAt) {
}
