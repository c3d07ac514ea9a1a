package io.ordo.routing;

import java.util.List;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of {@code PUT /v1/channels/{code}/routing}. */
@RegisterForReflection
@Schema(name = "SetRouting")
public record SetRouting(
        @Schema(examples = "[\"SAME_COUNTRY\", \"FEWEST_SHIPMENTS\", \"PRIORITY\"]", description = "Applied in this "
                + "order, each at most once; ties are broken by priority, then code")
        @NotNull @Size(min = 1, max = 5) List<@NotNull RoutingRule> rules,
        @Schema(examples = "true", description = "Default true. False: one location takes the whole order; when none "
                + "can, the best-ranked one takes what it has and the rest is backordered or refused (409) per the "
                + "SKU policy") Boolean allowSplit) {
}
