package io.ordo.fulfillment;

import java.util.Map;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestHeader;

import io.ordo.common.ProblemResponses;
import io.ordo.common.idempotency.IdempotencyService;
import io.ordo.common.idempotency.StoredResponse;
import io.ordo.order.ReturnView;
import io.ordo.security.Caller;
import io.ordo.security.CurrentCaller;
import io.ordo.security.Roles;
import io.smallrye.mutiny.Uni;

@Path("/v1/returns")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Fulfillment")
public class ReturnResource {
    private final ReturnService returns;
    private final IdempotencyService idempotency;
    private final CurrentCaller caller;

    public ReturnResource(ReturnService returns, IdempotencyService idempotency, CurrentCaller caller) {
        this.returns = returns;
        this.idempotency = idempotency;
        this.caller = caller;
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({ Roles.ADMIN, Roles.FULFILLMENT, Roles.CHANNEL })
    @Operation(summary = "Get a return", description = "Roles: all; a channel token sees the returns of its own "
            + "orders only (others are 404).")
    @ProblemResponses.NotFound
    public Uni<ReturnView> get(@PathParam("id") UUID id) {
        return returns.get(id, caller.get());
    }

    @POST
    @Path("/{id}/receive")
    @RolesAllowed({ Roles.ADMIN, Roles.FULFILLMENT })
    @Operation(summary = "Receive a return", description = "Roles: `ordo-admin`, `ordo-fulfillment`. REQUESTED → "
            + "RECEIVED at `location`: units with `restock` (default true) go back into `onHand` there, damaged ones "
            + "(`restock: false`) do not; a SKU may appear twice to split them. More units of a SKU than the return "
            + "asked for is a 409 `return-mismatch`; receiving twice a 409 `transition-not-allowed`.")
    @APIResponse(responseCode = "200", description = "Received",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ReturnView.class)))
    @ProblemResponses.KeyReused
    @ProblemResponses.Validation
    @ProblemResponses.NotFound
    @ProblemResponses.Conflict
    public Uni<Response> receive(@PathParam("id") UUID id, @Valid @NotNull ReceiveReturn body,
            @Parameter(description = "Idempotency key, as for orders") @RestHeader(IdempotencyService.HEADER) String key) {
        Caller who = caller.get();
        return idempotency.once(who.subject(), who.idempotencyScope(), key, "POST /v1/returns/" + id + "/receive", body,
                claim -> returns.receive(id, body, who, claim).map(this::stored));
    }

    @POST
    @Path("/{id}/refund")
    @RolesAllowed({ Roles.ADMIN, Roles.FULFILLMENT })
    @Operation(summary = "Refund a return", description = "Roles: `ordo-admin`, `ordo-fulfillment`. RECEIVED → "
            + "REFUNDED. `amount` may not exceed the price paid for the units received back (unit price × units) "
            + "minus earlier refunds: more is a 409 `refund-exceeds-paid` with `requestedAmount` and "
            + "`refundableAmount`; refunding before receipt or twice is a 409 `transition-not-allowed`.")
    @APIResponse(responseCode = "200", description = "Refunded",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ReturnView.class)))
    @ProblemResponses.KeyReused
    @ProblemResponses.Validation
    @ProblemResponses.NotFound
    @ProblemResponses.Conflict
    public Uni<Response> refund(@PathParam("id") UUID id, @Valid @NotNull RefundReturn body,
            @Parameter(description = "Idempotency key, as for orders") @RestHeader(IdempotencyService.HEADER) String key) {
        Caller who = caller.get();
        return idempotency.once(who.subject(), who.idempotencyScope(), key, "POST /v1/returns/" + id + "/refund", body,
                claim -> returns.refund(id, body, who, claim).map(this::stored));
    }

    private StoredResponse stored(ReturnView view) {
        return new StoredResponse(200, idempotency.write(view), MediaType.APPLICATION_JSON, Map.of());
    }
}
