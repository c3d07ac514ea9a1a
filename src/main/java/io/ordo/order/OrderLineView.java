package io.ordo.order;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.ordo.inventory.AllocationView;
import io.quarkus.runtime.annotations.RegisterForReflection;

@RegisterForReflection
@Schema(name = "OrderLine")
public record OrderLineView(
        @Schema(examples = "TSHIRT-M") String sku,
        @Schema(examples = "2") int quantity,
        @Schema(examples = "19.90") String unitPrice,
        List<AllocationView> allocations) {
}
