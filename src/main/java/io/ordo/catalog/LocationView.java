package io.ordo.catalog;

import java.time.Instant;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A location as the API shows it. */
@RegisterForReflection
@Schema(name = "Location")
public record LocationView(
        @Schema(examples = "WH-LIS") String code,
        @Schema(examples = "Lisbon warehouse") String name,
        @Schema(examples = "WAREHOUSE") LocationType type,
        @Schema(examples = "10") int priority,
        @Schema(examples = "PT", description = "Null on locations created without one") String country,
        @Schema(examples = "38.7223") Double latitude,
        @Schema(examples = "-9.1393") Double longitude,
        @Schema(examples = "true") boolean active,
        Instant createdAt,
        Instant updatedAt) {

    static LocationView of(Location location) {
        return new LocationView(location.code, location.name, location.type, location.priority, location.country,
                location.latitude, location.longitude, location.active, location.createdAt, location.updatedAt);
    }
}
