package io.ordo.order;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

@RegisterForReflection
@Schema(name = "ShippingAddress")
public record ShippingAddress(
        @Schema(examples = "Rua A 1") @NotBlank @Size(max = 200) String line1,
        @Size(max = 200) String line2,
        @Schema(examples = "Lisboa") @NotBlank @Size(max = 100) String city,
        @Size(max = 100) String region,
        @Schema(examples = "1000-001") @Size(max = 20) String postalCode,
        @Schema(examples = "PT", description = "ISO 3166-1 alpha-2")
        @NotNull @Pattern(regexp = "^[A-Z]{2}$", message = "must be an ISO 3166-1 alpha-2 code such as PT") String country,
        @Schema(examples = "38.7223", description = "Optional, with longitude: the NEAREST routing rule measures from "
                + "here (Ordo does not geocode postal codes)")
        @JsonInclude(JsonInclude.Include.NON_NULL) @DecimalMin("-90") @DecimalMax("90") Double latitude,
        @Schema(examples = "-9.1393") @JsonInclude(JsonInclude.Include.NON_NULL)
        @DecimalMin("-180") @DecimalMax("180") Double longitude) {
}
