package io.ordo.inventory;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The locations a channel sells from. */
@RegisterForReflection
@Schema(name = "Assortment")
public record AssortmentView(
        @Schema(examples = "web-eu") String channel,
        @Schema(description = "In reservation order (priority, then code)") List<String> locations,
        @Schema(description = "False: no assortment was set, the channel sells from every location (the list is all "
                + "of them)") boolean restricted) {
}
