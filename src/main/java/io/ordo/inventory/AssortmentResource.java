package io.ordo.inventory;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.ordo.catalog.Codes;
import io.ordo.common.InvalidRequest;
import io.ordo.common.ProblemResponses;
import io.ordo.common.ResourceNotFound;
import io.ordo.security.CurrentCaller;
import io.ordo.security.Roles;
import io.smallrye.mutiny.Uni;

@Path("/v1/channels/{code}/locations")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Available to promise")
public class AssortmentResource {
    private final AssortmentRepository assortments;
    private final CurrentCaller caller;
    private final BackorderAnnouncer backorders;

    public AssortmentResource(AssortmentRepository assortments, CurrentCaller caller, BackorderAnnouncer backorders) {
        this.assortments = assortments;
        this.caller = caller;
        this.backorders = backorders;
    }

    @PUT
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Set the locations a channel sells from", description = "Role: `ordo-admin`. Intake and "
            + "holds of the channel reserve only at these locations from now on (existing reservations stay). "
            + "Waiting backorders of the channel are served at once from locations it gained.")
    @ProblemResponses.Validation
    @ProblemResponses.NotFound
    public Uni<AssortmentView> set(@PathParam("code") @Pattern(regexp = Codes.PATTERN, message = Codes.MESSAGE) String code,
            @Valid @NotNull SetAssortment body) {
        List<String> locations = body.locations().stream().distinct().toList();
        return existing(code).chain(() -> assortments.unknownLocations(body.locations())).chain(unknown -> {
            if (!unknown.isEmpty()) {
                int at = unknown.get(0);
                return Uni.createFrom().failure(new InvalidRequest("locations[" + at + "]",
                        "no location '" + body.locations().get(at) + "' exists"));
            }
            return assortments.set(code, locations).invoke(backorders::kick).chain(() -> get(code));
        });
    }

    @DELETE
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Let a channel sell from every location again", description = "Role: `ordo-admin`.")
    @ProblemResponses.NotFound
    public Uni<AssortmentView> reset(@PathParam("code") @Pattern(regexp = Codes.PATTERN, message = Codes.MESSAGE) String code) {
        return existing(code).chain(() -> assortments.set(code, null)).chain(() -> get(code));
    }

    @GET
    @RolesAllowed({ Roles.ADMIN, Roles.FULFILLMENT, Roles.CHANNEL })
    @Operation(summary = "The locations a channel sells from", description = "Roles: all; another channel's is a "
            + "404 for `ordo-channel`. Without an assortment: every location, `restricted: false`.")
    @ProblemResponses.NotFound
    public Uni<AssortmentView> get(@PathParam("code") @Pattern(regexp = Codes.PATTERN, message = Codes.MESSAGE) String code) {
        if (!caller.get().maySee(code)) {
            return Uni.createFrom().failure(new ResourceNotFound("Channel", code));
        }
        return assortments.get(code).map(found -> found.orElseThrow(() -> new ResourceNotFound("Channel", code)));
    }

    private Uni<Void> existing(String code) {
        return assortments.get(code).map(found -> {
            found.orElseThrow(() -> new ResourceNotFound("Channel", code));
            return null;
        });
    }
}
