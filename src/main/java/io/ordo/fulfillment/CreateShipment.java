package io.ordo.fulfillment;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.ordo.catalog.Codes;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of {@code POST /v1/orders/{id}/shipments}: units leaving one location, each SKU once. */
@RegisterForReflection
@Schema(name = "CreateShipment")
public record CreateShipment(
        @Schema(examples = "WH-LIS", description = "The location the units leave from; the order must hold "
                + "allocations there for every line") @NotNull @Pattern(regexp = Codes.PATTERN, message = Codes.MESSAGE) String location,
        @NotNull @Size(min = 1, max = 500) List<@Valid @NotNull UnitLine> lines,
        @Schema(examples = "DHL") @NotBlank @Size(max = 100) String carrier,
        @Schema(examples = "JD014600003828") @NotBlank @Size(max = 200) String trackingNumber) {
}
