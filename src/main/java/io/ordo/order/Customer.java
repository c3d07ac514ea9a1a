package io.ordo.order;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

@RegisterForReflection
@Schema(name = "Customer")
public record Customer(
        @Schema(examples = "ana@example.com") @NotBlank @Email @Size(max = 254) String email,
        @Schema(examples = "Ana Silva") @Size(max = 200) String name,
        @Schema(examples = "+351 210 000 000") @Size(max = 50) String phone) {
}
