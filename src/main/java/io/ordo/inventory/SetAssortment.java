package io.ordo.inventory;

import java.util.List;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.ordo.catalog.Codes;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of {@code PUT /v1/channels/{code}/locations}: the locations the channel may sell from. */
@RegisterForReflection
@Schema(name = "SetAssortment")
public record SetAssortment(
        @Schema(examples = "[\"WH-LIS\", \"STORE-PORTO\"]", description = "Location codes, at least one; "
                + "DELETE the assortment to sell from every location again")
        @NotNull @Size(min = 1, max = 500)
        List<@NotNull @Pattern(regexp = Codes.PATTERN, message = Codes.MESSAGE) String> locations) {
}
