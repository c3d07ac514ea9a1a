package io.ordo.order;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.ordo.inventory.AllocationView;
import io.ordo.inventory.Shortage;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** What an order would get now ({@code POST /v1/routing/preview}); nothing was reserved or written. */
@RegisterForReflection
@Schema(name = "RoutingPreview")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RoutingPreview(
        @Schema(description = "False: intake would refuse the order now (409 insufficient-stock with `shortages`)")
        boolean accepted,
        @Schema(description = "The rules the decision was taken with: the channel's, or those of the query") OrderRouting routing,
        List<Line> lines,
        @Schema(description = "When not accepted: the shortages intake would answer") List<Shortage> shortages) {

    @RegisterForReflection
    @Schema(name = "RoutingPreviewLine")
    public record Line(@Schema(examples = "TSHIRT-M") String sku, @Schema(examples = "2") int quantity,
            List<AllocationView> allocations,
            @Schema(description = "Units that would wait for stock (backordered or pre-ordered)") int backordered) {
    }

    static RoutingPreview of(JsonObject answer) {
        JsonArray lines = answer.getJsonArray("lines");
        List<Line> views = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            JsonObject line = lines.getJsonObject(i);
            views.add(new Line(line.getString("sku"), line.getInteger("quantity"),
                    AllocationView.list(line.getJsonArray("allocations")),
                    line.getInteger("backordered", 0)));
        }
        boolean accepted = "ACCEPTED".equals(answer.getString("outcome"));
        return new RoutingPreview(accepted, OrderRouting.of(answer.getJsonObject("routing")), views,
                accepted ? null : Shortage.fromJson(answer.getJsonArray("shortages")));
    }
}
