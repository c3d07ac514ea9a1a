package io.ordo.catalog;

import java.net.URI;

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

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import io.ordo.common.Items;
import io.ordo.common.ProblemResponses;
import io.ordo.security.Roles;
import io.smallrye.mutiny.Uni;

@Path("/v1/locations")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Catalogue")
public class LocationResource {
    private final LocationService locations;

    public LocationResource(LocationService locations) {
        this.locations = locations;
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Create a location", description = "Role: `ordo-admin`. Lower `priority` is reserved from "
            + "first.")
    @APIResponse(responseCode = "201", description = "Created; `Location` names the location")
    @ProblemResponses.Validation
    @ProblemResponses.Conflict
    public Uni<RestResponse<LocationView>> create(@Valid @NotNull CreateLocation body) {
        return locations.create(body)
                .map(view -> RestResponse.ResponseBuilder.create(RestResponse.Status.CREATED, view)
                        .location(URI.create("/v1/locations/" + view.code())).build());
    }

    @GET
    @RolesAllowed({ Roles.ADMIN, Roles.FULFILLMENT, Roles.CHANNEL })
    @Operation(summary = "List locations", description = "Roles: all. In reservation order (priority, code).")
    public Uni<Items<LocationView>> list() {
        return locations.list().map(Items::new);
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
