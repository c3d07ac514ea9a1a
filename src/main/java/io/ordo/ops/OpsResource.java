package io.ordo.ops;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.ordo.security.Roles;
import io.smallrye.mutiny.Uni;

/** Background work driven from outside: the tick a scheduler calls while the service may be scaled to zero. */
@Path("/v1/ops")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Operations", description = "Background work driven from outside (scale to zero)")
public class OpsResource {
    private final BackgroundWork work;

    public OpsResource(BackgroundWork work) {
        this.work = work;
    }

    @POST
    @Path("/tick")
    @RolesAllowed({ Roles.ADMIN, Roles.OPS })
    @Operation(summary = "Run one round of background work", description = "Roles: `ordo-ops`, `ordo-admin`. Runs "
            + "every periodic duty once, in order: hold expiry, backorder announcements, the availability feed, the "
            + "outbox relay, webhook deliveries that are due, then the purges; answers when all are done. Safe to "
            + "call on any number of instances at once and while their own timers run: each item is done once. No "
            + "duty starts a batch after `ordo.ops.tick-budget` (15 s; `budgetSpent` then tells that work may be "
            + "left for the next tick). 503 when a duty stopped early (the database or the broker away); what it did "
            + "not do stays due.")
    @APIResponse(responseCode = "200", description = "Every duty ran to its end",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DutyRound.class)))
    @APIResponse(responseCode = "503", description = "A duty stopped early",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DutyRound.class)))
    public Uni<Response> tick() {
        return work.runRound().map(round -> Response.status(round.complete() ? 200 : 503).entity(round).build());
    }

    @GET
    @Path("/due")
    @RolesAllowed({ Roles.ADMIN, Roles.OPS })
    @Operation(summary = "How much background work is waiting", description = "Roles: `ordo-ops`, `ordo-admin`. "
            + "Unpublished events, deliveries due, holds past their expiry; the same sum the KEDA scaler's query "
            + "computes in the database.")
    @APIResponse(responseCode = "200", description = "The counts",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DueWork.class)))
    public Uni<DueWork> due() {
        return work.due();
    }
}
