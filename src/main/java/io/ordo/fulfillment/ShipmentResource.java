package io.ordo.fulfillment;

import java.net.URI;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestHeader;

import io.ordo.common.ProblemResponses;
import io.ordo.common.idempotency.IdempotencyService;
import io.ordo.common.idempotency.StoredResponse;
import io.ordo.order.IfMatch;
import io.ordo.order.OrderView;
import io.ordo.security.Caller;
import io.ordo.security.CurrentCaller;
import io.ordo.security.Roles;
import io.smallrye.mutiny.Uni;

@Path("/v1/orders/{id}/shipments")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Fulfillment", description = "Shipments, returns and refunds")
public class ShipmentResource {
    private final ShipmentService shipments;
    private final IdempotencyService idempotency;
    private final CurrentCaller caller;

    public ShipmentResource(ShipmentService shipments, IdempotencyService idempotency, CurrentCaller caller) {
        this.shipments = shipments;
        this.idempotency = idempotency;
        this.caller = caller;
    }

    @POST
    @RolesAllowed({ Roles.ADMIN, Roles.FULFILLMENT })
    @Operation(summary = "Ship units of an order", description = "Roles: `ordo-admin`, `ordo-fulfillment`. The "
            + "units leave `onHand` and `reserved` of `location` in one transaction; the order becomes "
            + "PARTIALLY_SHIPPED, or SHIPPED with the last unit. More units than the order has reserved at that "
            + "location (or a SKU it holds nothing of there) is a 409 `not-shippable` naming each line's `requested` "
            + "and `shippable`; a CANCELLED, SHIPPED or DELIVERED order is a 409 `transition-not-allowed`. Nothing "
            + "changes on a refusal. Answers the order (with `shipments`); honours `If-Match` (412).")
    @APIResponse(responseCode = "201", description = "Shipped; the body is the order, `ETag` its version",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OrderView.class)))
    @ProblemResponses.StaleVersion
    @ProblemResponses.KeyReused
    @ProblemResponses.Validation
    @ProblemResponses.NotFound
    @ProblemResponses.Conflict
    public Uni<Response> ship(@PathParam("id") UUID id, @Valid @NotNull CreateShipment body,
            @Parameter(description = "Idempotency key, as for orders") @RestHeader(IdempotencyService.HEADER) String key,
            @Parameter(in = ParameterIn.HEADER, name = HttpHeaders.IF_MATCH) @RestHeader(HttpHeaders.IF_MATCH) String ifMatch) {
        Caller who = caller.get();
        return idempotency.once(who.subject(), who.idempotencyScope(), key, "POST /v1/orders/" + id + "/shipments", body,
                claim -> shipments.ship(id, body, IfMatch.expectedVersion(ifMatch), who, claim)
                        .map(order -> new StoredResponse(201, idempotency.write(order), MediaType.APPLICATION_JSON,
                                Map.of(HttpHeaders.LOCATION, URI.create("/v1/orders/" + order.id()).toString(),
                                        HttpHeaders.ETAG, IfMatch.etag(order.version())))));
    }
}
