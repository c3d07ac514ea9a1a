package io.ordo.catalog;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of {@code POST /v1/locations}. */
@RegisterForReflection
@Schema(name = "CreateLocation")
public record CreateLocation(
        @Schema(examples = "WH-LIS") @NotNull @Pattern(regexp = Codes.PATTERN, message = Codes.MESSAGE) String code,
        @Schema(examples = "Lisbon warehouse") @NotBlank @Size(max = 200) String name,
        @Schema(examples = "WAREHOUSE") @NotNull LocationType type,
        @Schema(examples = "10", description = "Lower is preferred when stock is reserved (the PRIORITY routing rule "
                + "and every tie-break)")
        @NotNull @Min(0) @Max(1_000_000) Integer priority,
        @Schema(examples = "PT", description = "ISO 3166-1 alpha-2, for the SAME_COUNTRY routing rule; a location "
                + "without one ranks with those in other countries")
        @Pattern(regexp = Location.COUNTRY, message = Location.COUNTRY_MESSAGE) String country,
        @Schema(examples = "38.7223", description = "With longitude, for the NEAREST routing rule (both or neither)")
        @DecimalMin("-90") @DecimalMax("90") Double latitude,
        @Schema(examples = "-9.1393") @DecimalMin("-180") @DecimalMax("180") Double longitude,
        @Schema(description = "Default true; an inactive location is not reserved from (routing, holds, backorders) "
                + "and not counted as available") Boolean active) {
}
