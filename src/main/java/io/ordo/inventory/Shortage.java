package io.ordo.inventory;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** A SKU that cannot be reserved in full: how many were asked for and how many are available over all locations. */
@RegisterForReflection
@Schema(name = "Shortage")
public record Shortage(@Schema(examples = "TSHIRT-M") String sku, @Schema(examples = "2") int requested,
        @Schema(examples = "1") int available) {

    /** The {@code shortages} array that the reservation SQL functions return. */
    public static List<Shortage> fromJson(JsonArray json) {
        List<Shortage> shortages = new ArrayList<>(json.size());
        for (int i = 0; i < json.size(); i++) {
            JsonObject s = json.getJsonObject(i);
            shortages.add(new Shortage(s.getString("sku"), s.getInteger("requested"), s.getInteger("available")));
        }
        return shortages;
    }
}
