package io.ordo.routing;

import java.util.HashSet;
import java.util.Set;

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

@Path("/v1/channels/{code}/routing")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Routing")
public class RoutingResource {
    private final RoutingRepository routing;
    private final CurrentCaller caller;

    public RoutingResource(RoutingRepository routing, CurrentCaller caller) {
        this.routing = routing;
        this.caller = caller;
    }

    @PUT
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Set a channel's routing rules", description = "Role: `ordo-admin`. Orders (and holds) of "
            + "the channel are routed with these rules from the next one on; existing reservations stay (reroute an "
            + "order to apply them to it). Each allocation records the rule that decided it.")
    @ProblemResponses.Validation
    @ProblemResponses.NotFound
    public Uni<RoutingView> set(@PathParam("code") @Pattern(regexp = Codes.PATTERN, message = Codes.MESSAGE) String code,
            @Valid @NotNull SetRouting body) {
        Set<RoutingRule> seen = new HashSet<>();
        for (int i = 0; i < body.rules().size(); i++) {
            if (!seen.add(body.rules().get(i))) {
                return Uni.createFrom().failure(new InvalidRequest("rules[" + i + "]",
                        body.rules().get(i) + " is listed twice"));
            }
        }
        boolean allowSplit = body.allowSplit() == null || body.allowSplit();
        return existing(code).chain(() -> routing.set(code, body.rules(), allowSplit, caller.get().subject()))
                .chain(() -> get(code));
    }

    @DELETE
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Back to the default routing", description = "Role: `ordo-admin`. [PRIORITY] with splits, "
            + "v1's routing.")
    @ProblemResponses.NotFound
    public Uni<RoutingView> reset(@PathParam("code") @Pattern(regexp = Codes.PATTERN, message = Codes.MESSAGE) String code) {
        return existing(code).chain(() -> routing.reset(code)).chain(() -> get(code));
    }

    @GET
    @RolesAllowed({ Roles.ADMIN, Roles.FULFILLMENT, Roles.CHANNEL })
    @Operation(summary = "A channel's routing rules", description = "Roles: all; another channel's is a 404 for "
            + "`ordo-channel`. Without rules of its own: the default, `custom: false`.")
    @ProblemResponses.NotFound
    public Uni<RoutingView> get(@PathParam("code") @Pattern(regexp = Codes.PATTERN, message = Codes.MESSAGE) String code) {
        if (!caller.get().maySee(code)) {
            return Uni.createFrom().failure(new ResourceNotFound("Channel", code));
        }
        return routing.get(code).map(found -> found.orElseThrow(() -> new ResourceNotFound("Channel", code)));
    }

    private Uni<Void> existing(String code) {
        return routing.get(code).map(found -> {
            found.orElseThrow(() -> new ResourceNotFound("Channel", code));
            return null;
        });
    }
}
