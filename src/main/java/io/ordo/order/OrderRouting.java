package io.ordo.order;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonFormat;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The routing rules an order's reservations were decided with (its channel's at intake or at the last reroute). */
@RegisterForReflection
@Schema(name = "OrderRouting")
public record OrderRouting(
        @Schema(examples = "[\"SAME_COUNTRY\", \"FEWEST_SHIPMENTS\", \"PRIORITY\"]") List<String> rules,
        @Schema(examples = "true") boolean allowSplit,
        @Schema(description = "When the decision was taken: intake, or the last reroute")
        @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = OrderView.MICROS, timezone = "UTC") Instant decidedAt) {

    /** From the order document's {@code routing} (order_routing_json). */
    static OrderRouting of(JsonObject json) {
        if (json == null) {
            return null;
        }
        JsonArray rules = json.getJsonArray("rules");
        List<String> names = new ArrayList<>(rules.size());
        for (int i = 0; i < rules.size(); i++) {
            names.add(rules.getString(i));
        }
        return new OrderRouting(List.copyOf(names), json.getBoolean("allowSplit", true),
                Instant.parse(json.getString("decidedAt")));
    }
}
