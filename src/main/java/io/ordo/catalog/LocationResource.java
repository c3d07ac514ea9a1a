package io.ordo.catalog;


import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestHeader;

import io.ordo.common.Items;
import io.ordo.common.ProblemResponses;
import io.ordo.common.idempotency.IdempotencyService;
import io.ordo.common.idempotency.StoredResponse;
import io.ordo.security.Caller;
import io.ordo.security.CurrentCaller;
import io.ordo.security.Roles;
import io.smallrye.mutiny.Uni;

@Path("/v1/locations")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Catalogue")
public class LocationResource {
    private final LocationService locations;
    private final CurrentCaller caller;
    private final IdempotencyService idempotency;

    public LocationResource(LocationService locations, CurrentCaller caller, IdempotencyService idempotency) {
        this.locations = locations;
        this.caller = caller;
        this.idempotency = idempotency;
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Create a location", description = "Role: `ordo-admin`. Lower `priority` is reserved from "
            + "first.")
    @APIResponse(responseCode = "201", description = "Created; `Location` names the location")
    @ProblemResponses.Validation
    @ProblemResponses.Conflict
    public Uni<Response> create(@Valid @NotNull CreateLocation body,
            @RestHeader(IdempotencyService.HEADER) String idempotencyKey) {
        Caller who = caller.get();
        return idempotency.once(who.subject(), who.idempotencyScope(), idempotencyKey, "POST /v1/locations", body, () -> locations.create(body)
                .map(view -> new StoredResponse(201, idempotency.write(view), MediaType.APPLICATION_JSON,
                        Map.of(HttpHeaders.LOCATION, "/v1/locations/" + view.code()))));
    }

    @GET
    @RolesAllowed({ Roles.ADMIN, Roles.FULFILLMENT, Roles.CHANNEL })
    @Operation(summary = "List locations", description = "Roles: all. In reservation order (priority, code).")
    public Uni<Items<LocationView>> list() {
        return locations.list().map(Items::new);
    }

    @PATCH
    @Path("/{code}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Change a location", description = "Role: `ordo-admin`. The fields given change (name, "
            + "priority, country, latitude with longitude, active); the code and type never do. `active: false` takes "
            + "the location out of routing, holds, backorder serving and availability; its stock and the reservations "
            + "it has stay.")
    @ProblemResponses.Validation
    @ProblemResponses.NotFound
    public Uni<LocationView> update(@PathParam("code") String code, @Valid @NotNull UpdateLocation body) {
        return locations.update(code, body);
    }

    @GET
    @Path("/{code}")
    @RolesAllowed({ Roles.ADMIN, Roles.FULFILLMENT, Roles.CHANNEL })
    @Operation(summary = "Get a location", description = "Roles: all.")
    @ProblemResponses.NotFound
    public Uni<LocationView> get(@PathParam("code") String code) {
        return locations.get(code);
    }
}
