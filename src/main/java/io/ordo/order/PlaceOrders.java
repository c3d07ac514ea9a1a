package io.ordo.order;

import java.util.List;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Body of {@code POST /v1/orders/batch}. Elements stay raw JSON here so that a malformed one fails alone, with its
 * own problem, instead of failing the whole batch.
 */
@RegisterForReflection
@Schema(name = "PlaceOrders")
public record PlaceOrders(
        @Schema(description = "Up to 500 order bodies (PlaceOrder)") @NotNull @Size(min = 1, max = 500) List<JsonNode> orders) {
}
