package io.ordo.order;

import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.ordo.catalog.Codes;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of {@code POST /v1/orders} (and one element of a batch, an AMQP message or an inbound webhook). */
@RegisterForReflection
@Schema(name = "PlaceOrder")
public record PlaceOrder(
        @Schema(examples = "web-eu", description = "Required for admins; a channel token may omit it")
        @Pattern(regexp = Codes.PATTERN, message = Codes.MESSAGE) String channel,
        @Schema(examples = "SHOP-10045", description = "The channel's own order id, unique per channel")
        @NotNull @Pattern(regexp = "^[\\x21-\\x7E][\\x20-\\x7E]{0,99}$",
                message = "must be 1-100 printable ASCII characters") String externalId,
        @Schema(examples = "EUR", description = "ISO 4217") @NotNull
        @Pattern(regexp = "^[A-Z]{3}$", message = "must be an ISO 4217 code such as EUR") String currency,
        @NotNull @Valid Customer customer,
        @NotNull @Valid ShippingAddress shippingAddress,
        @NotEmpty @Size(max = 100) List<@NotNull @Valid PlaceOrderLine> lines,
        @Schema(description = "Convert this hold into the order instead of reserving again") UUID holdId) {
}
