package io.ordo.inventory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Units of a line (of an order or a hold) reserved at one location. */
@RegisterForReflection
@Schema(name = "Allocation")
public record AllocationView(@Schema(examples = "WH-LIS") String location, @Schema(examples = "2") int quantity) {

    /**
     * Groups the allocations that the SQL functions and queries return ({@code [{line, location, quantity}]}, in
     * reservation order) by line number; a line without allocations has no entry.
     */
    public static Map<Integer, List<AllocationView>> byLine(JsonArray allocations) {
        Map<Integer, List<AllocationView>> byLine = new HashMap<>();
        for (int i = 0; allocations != null && i < allocations.size(); i++) {
            JsonObject a = allocations.getJsonObject(i);
            byLine.computeIfAbsent(a.getInteger("line"), line -> new ArrayList<>())
                    .add(new AllocationView(a.getString("location"), a.getInteger("quantity")));
        }
        return byLine;
    }
}
