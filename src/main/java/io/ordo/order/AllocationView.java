package io.ordo.order;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Units of a line reserved at one location. */
@Schema(name = "Allocation")
public record AllocationView(@Schema(examples = "WH-LIS") String location, @Schema(examples = "2") int quantity) {
}
