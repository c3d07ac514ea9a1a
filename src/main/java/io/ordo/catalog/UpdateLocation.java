package io.ordo.catalog;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.ordo.common.InvalidRequest;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Body of {@code PATCH /v1/locations/{code}}: the fields given change, the others stay (a null is "not given"; the
 * code and the type never change). Coordinates change together.
 */
@RegisterForReflection
@Schema(name = "UpdateLocation")
public record UpdateLocation(
        @Schema(examples = "Lisbon warehouse") @Size(min = 1, max = 200) @Pattern(regexp = ".*\\S.*", message = "must not be blank") String name,
        @Schema(examples = "10") @Min(0) @Max(1_000_000) Integer priority,
        @Schema(examples = "PT") @Pattern(regexp = Location.COUNTRY, message = Location.COUNTRY_MESSAGE) String country,
        @Schema(examples = "38.7223") @DecimalMin("-90") @DecimalMax("90") Double latitude,
        @Schema(examples = "-9.1393") @DecimalMin("-180") @DecimalMax("180") Double longitude,
        @Schema(description = "False takes the location out of routing, holds, backorder serving and availability; "
                + "its stock and existing reservations stay") Boolean active) {

    /** Coordinates come in pairs (as on creation). */
    void requireCoordinatePair() {
        Location.requireCoordinatePair(latitude, longitude);
    }

    boolean isEmpty() {
        return name == null && priority == null && country == null && latitude == null && longitude == null
                && active == null;
    }

    static InvalidRequest nothingToChange() {
        return new InvalidRequest("$", "must change at least one of name, priority, country, latitude/longitude, active");
    }
}
