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
import io.ordo.order.ReturnView;
import io.ordo.security.Caller;
import io.ordo.security.CurrentCaller;
import io.ordo.security.Roles;
import io.smallrye.mutiny.Uni;

@Path("/v1/orders/{id}/returns")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Fulfillment")
public class OrderReturnResource {
    private final ReturnService returns;
    private final IdempotencyService idempotency;
    private final CurrentCaller caller;

    public OrderReturnResource(ReturnService returns, IdempotencyService idempotency, CurrentCaller caller) {
        this.returns = returns;
        this.idempotency = idempotency;
        this.caller = caller;
    }

    @POST
    @RolesAllowed({ Roles.ADMIN, Roles.FULFILLMENT, Roles.CHANNEL })
    @Operation(summary = "Request a return", description = "Roles: all; a channel token for its own orders only "
            + "(others are 404). Only units that were shipped and are not claimed by another return (requested, or "
            + "received) may be asked back: more is a 409 `not-returnable` naming each line's `requested` and "
            + "`returnable`, and changes nothing. Honours `If-Match` with the order's ETag (412).")
    @APIResponse(responseCode = "201", description = "Requested; `Location` names the return",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ReturnView.class)))
    @ProblemResponses.StaleVersion
    @ProblemResponses.KeyReused
    @ProblemResponses.Validation
    @ProblemResponses.NotFound
    @ProblemResponses.Conflict
    public Uni<Response> request(@PathParam("id") UUID id, @Valid @NotNull RequestReturn body,
            @Parameter(description = "Idempotency key, as for orders") @RestHeader(IdempotencyService.HEADER) String key,
            @Parameter(in = ParameterIn.HEADER, name = HttpHeaders.IF_MATCH) @RestHeader(HttpHeaders.IF_MATCH) String ifMatch) {
        Caller who = caller.get();
        return idempotency.once(who.subject(), who.idempotencyScope(), key, "POST /v1/orders/" + id + "/returns", body,
                claim -> returns.request(id, body, IfMatch.expectedVersion(ifMatch), who, claim)
                        .map(view -> new StoredResponse(201, idempotency.write(view), MediaType.APPLICATION_JSON,
                                Map.of(HttpHeaders.LOCATION, URI.create("/v1/returns/" + view.id()).toString()))));
    }
}
