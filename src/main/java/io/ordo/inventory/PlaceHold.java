package io.ordo.inventory;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.ordo.catalog.Codes;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of {@code POST /v1/holds}: a cart reservation that expires by itself. */
@RegisterForReflection
@Schema(name = "PlaceHold")
public record PlaceHold(
        @Schema(examples = "web-eu", description = "Required for admins; a channel token may omit it")
        @Pattern(regexp = Codes.PATTERN, message = Codes.MESSAGE) String channel,
        @NotEmpty @Size(max = 100) List<@NotNull @Valid Line> lines,
        @Schema(examples = "900", description = "1-3600; default ordo.holds.default-ttl (15 minutes)")
        @Min(1) @Max(3600) Integer ttlSeconds) {

    @RegisterForReflection
    @Schema(name = "HoldLine")
    public record Line(@Schema(examples = "TSHIRT-M") @Sku String sku,
            @Schema(examples = "1") @NotNull @Min(1) @Max(100_000) Integer quantity) {
    }
}
