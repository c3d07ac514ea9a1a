package io.ordo.catalog;


import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
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

@Path("/v1/channels")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Catalogue", description = "Channels and locations")
public class ChannelResource {
    private final ChannelService channels;
    private final CurrentCaller caller;
    private final IdempotencyService idempotency;

    public ChannelResource(ChannelService channels, CurrentCaller caller, IdempotencyService idempotency) {
        this.channels = channels;
        this.caller = caller;
        this.idempotency = idempotency;
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Create a channel", description = "Role: `ordo-admin`. The code is immutable.")
    @APIResponse(responseCode = "201", description = "Created; `Location` names the channel")
    @ProblemResponses.Validation
    @ProblemResponses.Conflict
    public Uni<Response> create(@Valid @NotNull CreateChannel body,
            @RestHeader(IdempotencyService.HEADER) String idempotencyKey) {
        Caller who = caller.get();
        return idempotency.once(who.subject(), who.idempotencyScope(), idempotencyKey, "POST /v1/channels", body, () -> channels.create(body)
                .map(view -> new StoredResponse(201, idempotency.write(view), MediaType.APPLICATION_JSON,
                        Map.of(HttpHeaders.LOCATION, "/v1/channels/" + view.code()))));
    }

    @GET
    @RolesAllowed({ Roles.ADMIN, Roles.FULFILLMENT, Roles.CHANNEL })
    @Operation(summary = "List channels", description = "Roles: `ordo-admin` and `ordo-fulfillment` see all; "
            + "`ordo-channel` sees its own channel only.")
    public Uni<Items<ChannelView>> list() {
        return channels.list(caller.get()).map(Items::new);
    }

    @GET
    @Path("/{code}")
    @RolesAllowed({ Roles.ADMIN, Roles.FULFILLMENT, Roles.CHANNEL })
    @Operation(summary = "Get a channel", description = "Roles: all; another channel's code is a 404 for "
            + "`ordo-channel`.")
    @ProblemResponses.NotFound
    public Uni<ChannelView> get(@PathParam("code") String code) {
        return channels.get(code, caller.get());
    }
}
