package io.ordo.fulfillment;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of {@code POST /v1/orders/{id}/returns}: shipped units asked back, each SKU once. */
@RegisterForReflection
@Schema(name = "RequestReturn")
public record RequestReturn(
        @NotNull @Size(min = 1, max = 500) List<@Valid @NotNull UnitLine> lines,
        @Schema(examples = "too small") @Size(max = 500) String reason) {
}
