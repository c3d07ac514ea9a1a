package io.ordo.availability;

import java.util.List;

import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.ordo.catalog.Codes;
import io.ordo.inventory.Sku;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Body of {@code POST /v1/availability}, and the parameters of {@code GET /v1/availability} read into the same shape
 * (so both are checked by the same constraints and refused with the same field names).
 */
@RegisterForReflection
@Schema(name = "AvailabilityRequest")
public record AvailabilityRequest(
        @Schema(description = "1-" + AvailabilityRequest.MAX_SKUS + " SKUs; a repeated SKU is answered once",
                examples = "[\"TSHIRT-M\", \"TSHIRT-L\"]")
        @NotEmpty @Size(max = AvailabilityRequest.MAX_SKUS) List<@Sku String> skus,
        @Schema(examples = "web-eu", description = "Count only this channel's assortment (admin, fulfillment); a "
                + "channel token always uses its own channel")
        @Pattern(regexp = Codes.PATTERN, message = Codes.MESSAGE) String channel) {

    /** Most SKUs one call may ask for. */
    public static final int MAX_SKUS = 200;
}
