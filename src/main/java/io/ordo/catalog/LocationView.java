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
        Instant createdAt) {

    static LocationView of(Location location) {
        return new LocationView(location.code, location.name, location.type, location.priority, location.createdAt);
    }
}
