package io.ordo.catalog;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of {@code POST /v1/locations}. */
@RegisterForReflection
@Schema(name = "CreateLocation")
public record CreateLocation(
        @Schema(examples = "WH-LIS") @NotNull @Pattern(regexp = Codes.PATTERN, message = Codes.MESSAGE) String code,
        @Schema(examples = "Lisbon warehouse") @NotBlank @Size(max = 200) String name,
        @Schema(examples = "WAREHOUSE") @NotNull LocationType type,
        @Schema(examples = "10", description = "Lower is preferred when stock is reserved")
        @NotNull @Min(0) @Max(1_000_000) Integer priority) {
}
