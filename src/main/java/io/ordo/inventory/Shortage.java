package io.ordo.inventory;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** A SKU that cannot be reserved in full: how many were asked for and how many are available over all locations. */
@RegisterForReflection
@Schema(name = "Shortage")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Shortage(@Schema(examples = "TSHIRT-M") String sku, @Schema(examples = "2") int requested,
        @Schema(examples = "1") int available,
        @Schema(description = "Only for a SKU that may be promised beyond the shelf (BACKORDER, PREORDER): its policy")
        String inventoryPolicy,
        @Schema(description = "Only with inventoryPolicy: the units that could still be backordered now (absent when "
                + "unlimited); the order asked for more than available + backorderable") Integer backorderable) {

    public Shortage(String sku, int requested, int available) {
        this(sku, requested, available, null, null);
    }

    /** The {@code shortages} array that the reservation SQL functions return. */
    public static List<Shortage> fromJson(JsonArray json) {
        List<Shortage> shortages = new ArrayList<>(json.size());
        for (int i = 0; i < json.size(); i++) {
            JsonObject s = json.getJsonObject(i);
            shortages.add(new Shortage(s.getString("sku"), s.getInteger("requested"), s.getInteger("available"),
                    s.getString("inventoryPolicy"), s.getInteger("backorderable")));
        }
        return shortages;
    }
}
