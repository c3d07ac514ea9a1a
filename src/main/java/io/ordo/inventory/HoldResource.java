package io.ordo.inventory;

import java.net.URI;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
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
import io.ordo.security.Caller;
import io.ordo.security.CurrentCaller;
import io.ordo.security.Roles;
import io.smallrye.mutiny.Uni;

@Path("/v1/holds")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Holds", description = "Cart reservations that expire by themselves")
public class HoldResource {
    private final HoldService holds;
    private final IdempotencyService idempotency;
    private final CurrentCaller caller;

    public HoldResource(HoldService holds, IdempotencyService idempotency, CurrentCaller caller) {
        this.holds = holds;
        this.idempotency = idempotency;
        this.caller = caller;
    }

    @POST
    @RolesAllowed({ Roles.ADMIN, Roles.CHANNEL })
    @Operation(summary = "Hold stock for a cart", description = "Roles: `ordo-channel` (own channel), `ordo-admin`. "
            + "All lines are reserved or none (409 with `shortages`). The hold releases its stock by itself a few "
            + "seconds after `expiresAt`; pass its id as `holdId` when placing the order.")
    @APIResponse(responseCode = "201", description = "Held",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = HoldView.class)))
    @ProblemResponses.Validation
    @ProblemResponses.Conflict
    public Uni<Response> create(@Valid @NotNull PlaceHold body,
            @Parameter(description = "Idempotency key, as for orders") @RestHeader(IdempotencyService.HEADER) String key) {
        Caller who = caller.get();
        return idempotency.once(who.subject(), who.idempotencyScope(), key, "POST /v1/holds", body, claim -> holds.create(body, who, claim)
                .map(hold -> new StoredResponse(201, idempotency.write(hold), MediaType.APPLICATION_JSON,
                        Map.of(HttpHeaders.LOCATION, URI.create("/v1/holds/" + hold.id()).toString()))));
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({ Roles.ADMIN, Roles.CHANNEL, Roles.FULFILLMENT })
    @Operation(summary = "Get a hold", description = "Roles: all; a channel token sees its own holds only.")
    @ProblemResponses.NotFound
    public Uni<HoldView> get(@PathParam("id") UUID id) {
        return holds.get(id, caller.get());
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed({ Roles.ADMIN, Roles.CHANNEL })
    @Operation(summary = "Release a hold", description = "Roles: `ordo-channel` (own holds), `ordo-admin`. Gives the "
            + "stock back; a hold that already expired or was released is a no-op, one that became an order a 409.")
    @APIResponse(responseCode = "204", description = "Released")
    @ProblemResponses.NotFound
    @ProblemResponses.Conflict
    public Uni<Void> release(@PathParam("id") UUID id) {
        return holds.release(id, caller.get());
    }
}
