package io.ordo.order;

import java.util.List;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.ordo.catalog.Codes;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of {@code POST /v1/orders/{id}/reroute}. */
@RegisterForReflection
@Schema(name = "RerouteOrder")
public record RerouteOrder(
        @Schema(examples = "[\"WH-LIS\"]", description = "Locations the order's unshipped units must leave (and not "
                + "be routed to); none: route again under the channel's current rules")
        @Size(max = 100) List<@NotNull @Pattern(regexp = Codes.PATTERN, message = Codes.MESSAGE) String> excludeLocations,
        @Schema(examples = "WH-LIS cannot pick today") @NotBlank @Size(max = 500) String reason) {
}
