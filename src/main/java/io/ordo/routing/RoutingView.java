package io.ordo.routing;

import java.time.Instant;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A channel's routing rules. */
@RegisterForReflection
@Schema(name = "Routing")
public record RoutingView(
        @Schema(examples = "web-eu") String channel,
        @Schema(examples = "[\"SAME_COUNTRY\", \"FEWEST_SHIPMENTS\", \"PRIORITY\"]") List<RoutingRule> rules,
        @Schema(examples = "true") boolean allowSplit,
        @Schema(description = "False: the channel has no rules of its own and uses the default, [PRIORITY] with "
                + "splits (v1's routing)") boolean custom,
        @Schema(description = "When the rules were last set; null for the default") Instant updatedAt,
        @Schema(description = "Who set them; null for the default") String updatedBy) {

    static RoutingView byDefault(String channel) {
        return new RoutingView(channel, List.of(RoutingRule.PRIORITY), true, false, null, null);
    }
}
