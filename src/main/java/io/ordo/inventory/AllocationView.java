package io.ordo.inventory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Units of a line (of an order or a hold) reserved at one location, and why there. */
@RegisterForReflection
@Schema(name = "Allocation")
public record AllocationView(@Schema(examples = "WH-LIS") String location, @Schema(examples = "2") int quantity,
        Reason reason) {

    /**
     * Why the routing decision took this location (R__routing_functions.sql, route_reason): the first of the channel's
     * rules on which it beat the next candidate, or PRIORITY / CODE (the tie-breaks), ONLY_LOCATION (no other location
     * had the units), BACKORDER (units that became free, served first come, first served).
     */
    @RegisterForReflection
    @Schema(name = "AllocationReason")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Reason(@Schema(examples = "SAME_COUNTRY") String rule, @Schema(examples = "PT") String detail,
            @Schema(description = "Rules that could not be applied before the deciding one (NEAREST without "
                    + "coordinates); absent when none") List<Skipped> skipped) {

        @RegisterForReflection
        @Schema(name = "SkippedRule")
        public record Skipped(@Schema(examples = "NEAREST") String rule,
                @Schema(examples = "the order has no coordinates") String detail) {
        }

        /** From the JSON the SQL functions write ({rule, detail, skipped?}); null stays null. */
        public static Reason of(JsonObject json) {
            if (json == null) {
                return null;
            }
            JsonArray skipped = json.getJsonArray("skipped");
            List<Skipped> list = null;
            if (skipped != null) {
                list = new ArrayList<>(skipped.size());
                for (int i = 0; i < skipped.size(); i++) {
                    JsonObject s = skipped.getJsonObject(i);
                    list.add(new Skipped(s.getString("rule"), s.getString("detail")));
                }
            }
            return new Reason(json.getString("rule"), json.getString("detail"), list);
        }
    }

    /** From one element of the allocations JSON the SQL functions write ({line?, location, quantity, reason}). */
    public static AllocationView of(JsonObject a) {
        return new AllocationView(a.getString("location"), a.getInteger("quantity"), Reason.of(a.getJsonObject("reason")));
    }

    /** Every element of an allocations JSON array, in its order (null: none). */
    public static List<AllocationView> list(JsonArray allocations) {
        List<AllocationView> views = new ArrayList<>(allocations == null ? 0 : allocations.size());
        for (int i = 0; allocations != null && i < allocations.size(); i++) {
            views.add(of(allocations.getJsonObject(i)));
        }
        return views;
    }

    /**
     * Groups the allocations that the SQL functions and queries return ({@code [{line, location, quantity, reason}]},
     * in reservation order) by line number; a line without allocations has no entry.
     */
    public static Map<Integer, List<AllocationView>> byLine(JsonArray allocations) {
        Map<Integer, List<AllocationView>> byLine = new HashMap<>();
        for (int i = 0; allocations != null && i < allocations.size(); i++) {
            JsonObject a = allocations.getJsonObject(i);
            byLine.computeIfAbsent(a.getInteger("line"), line -> new ArrayList<>()).add(of(a));
        }
        return byLine;
    }
}
