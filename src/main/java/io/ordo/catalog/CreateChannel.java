package io.ordo.catalog;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of {@code POST /v1/channels}. */
@RegisterForReflection
@Schema(name = "CreateChannel")
public record CreateChannel(
        @Schema(examples = "web-eu", description = "Immutable code; the `ordo_channel` claim of the channel's tokens")
        @NotNull @Pattern(regexp = Codes.PATTERN, message = Codes.MESSAGE) String code,
        @Schema(examples = "Web shop EU") @NotBlank @Size(max = 200) String name,
        @Schema(examples = "WEB") @NotNull ChannelType type) {
}
