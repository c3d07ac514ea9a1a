package io.ordo.webhook;

import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
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

import io.ordo.common.InvalidRequest;
import io.ordo.common.Items;
import io.ordo.common.ProblemResponses;
import io.ordo.common.idempotency.IdempotencyService;
import io.ordo.common.idempotency.StoredResponse;
import io.ordo.outbox.EventType;
import io.ordo.security.Caller;
import io.ordo.security.CurrentCaller;
import io.ordo.security.Roles;
import io.smallrye.mutiny.Uni;

@Path("/v1/webhooks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Webhooks", description = "Signed status webhooks to shops (Standard Webhooks)")
public class WebhookResource {
    private static final String ROLES_DOC = "Roles: `ordo-admin` (every subscription), `ordo-channel` (its own "
            + "channel's subscriptions only; others are 404). ";

    private final WebhookService webhooks;
    private final IdempotencyService idempotency;
    private final CurrentCaller caller;

    public WebhookResource(WebhookService webhooks, IdempotencyService idempotency, CurrentCaller caller) {
        this.webhooks = webhooks;
        this.idempotency = idempotency;
        this.caller = caller;
    }

    @POST
    @RolesAllowed({ Roles.ADMIN, Roles.CHANNEL })
    @Operation(summary = "Subscribe an endpoint", description = ROLES_DOC + "The answer carries `secret` "
            + "(`whsec_` + base64), shown only here and on rotate-secret. Every delivery is a POST signed per "
            + "Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of "
            + "id.timestamp.body>`) with body `{type, timestamp, sequence, data}`. The URL must be https and resolve "
            + "to a public address unless configuration allows otherwise (400 naming the reason).")
    @APIResponse(responseCode = "201", description = "Subscribed; `Location` names the subscription",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = WebhookView.class)))
    @ProblemResponses.Validation
    public Uni<Response> create(@Valid @NotNull CreateWebhook body,
            @RestHeader(IdempotencyService.HEADER) String idempotencyKey) {
        Caller who = caller.get();
        return idempotency.once(who.subject(), who.idempotencyScope(), idempotencyKey, "POST /v1/webhooks", body, claim -> webhooks.create(body, who, claim)
                .map(view -> new StoredResponse(201, idempotency.write(view), MediaType.APPLICATION_JSON,
                        Map.of(HttpHeaders.LOCATION, "/v1/webhooks/" + view.id()))));
    }

    @GET
    @RolesAllowed({ Roles.ADMIN, Roles.CHANNEL })
    @Operation(summary = "List subscriptions", description = ROLES_DOC + "Oldest first; never shows secrets.")
    public Uni<Items<WebhookView>> list(@Parameter(description = "only this channel's") @QueryParam("channel") String channel) {
        return webhooks.list(caller.get(), channel).map(Items::new);
    }

    @GET
    @Path("/event-types")
    @RolesAllowed({ Roles.ADMIN, Roles.CHANNEL })
    @Operation(summary = "List the event types", description = "Roles: `ordo-admin`, `ordo-channel`. Every type "
            + "Ordo emits, each of which a subscription may ask for in `events`.")
    public Items<EventTypeView> eventTypes() {
        return new Items<>(Arrays.stream(EventType.values()).map(EventTypeView::of).toList());
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({ Roles.ADMIN, Roles.CHANNEL })
    @Operation(summary = "Get a subscription", description = ROLES_DOC)
    @ProblemResponses.NotFound
    public Uni<WebhookView> get(@PathParam("id") UUID id) {
        return webhooks.get(id, caller.get());
    }

    @PATCH
    @Path("/{id}")
    @RolesAllowed({ Roles.ADMIN, Roles.CHANNEL })
    @Operation(summary = "Change a subscription", description = ROLES_DOC + "Absent members stay as they are. "
            + "`enabled: true` re-enables an endpoint Ordo disabled (410 Gone, or failing for too long).")
    @ProblemResponses.Validation
    @ProblemResponses.NotFound
    public Uni<WebhookView> update(@PathParam("id") UUID id, @Valid @NotNull UpdateWebhook body) {
        return webhooks.update(id, body, caller.get());
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed({ Roles.ADMIN, Roles.CHANNEL })
    @Operation(summary = "Unsubscribe", description = ROLES_DOC + "Pending deliveries are dropped.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @ProblemResponses.NotFound
    public Uni<Response> delete(@PathParam("id") UUID id) {
        return webhooks.delete(id, caller.get()).map(done -> Response.noContent().build());
    }

    @POST
    @Path("/{id}/rotate-secret")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed({ Roles.ADMIN, Roles.CHANNEL })
    @Operation(summary = "Rotate the signing secret", description = ROLES_DOC + "Returns the new secret once. Until "
            + "`previousSecretExpiresAt` deliveries carry two signatures (new and old, space-separated).")
    @APIResponse(responseCode = "200", description = "The new secret",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SecretView.class)))
    @ProblemResponses.NotFound
    public Uni<SecretView> rotateSecret(@PathParam("id") UUID id) {
        return webhooks.rotateSecret(id, caller.get());
    }

    @GET
    @Path("/{id}/deliveries")
    @RolesAllowed({ Roles.ADMIN, Roles.CHANNEL })
    @Operation(summary = "Delivery log", description = ROLES_DOC + "Newest first, each with every attempt (time, "
            + "status code, latency, error). Kept for `ordo.webhooks.delivery-retention` after it finished.")
    @ProblemResponses.Validation
    @ProblemResponses.NotFound
    public Uni<Items<DeliveryView>> deliveries(@PathParam("id") UUID id, @QueryParam("status") DeliveryStatus status,
            @Parameter(description = "1-200, default 50") @QueryParam("limit") Integer limit) {
        int pageSize = limit == null ? WebhookService.DEFAULT_PAGE : limit;
        if (pageSize < 1 || pageSize > WebhookService.MAX_PAGE) {
            throw new InvalidRequest("limit", "must be between 1 and " + WebhookService.MAX_PAGE);
        }
        return webhooks.deliveries(id, status, pageSize, caller.get()).map(Items::new);
    }

    @POST
    @Path("/{id}/deliveries/{deliveryId}/retry")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed({ Roles.ADMIN, Roles.CHANNEL })
    @Operation(summary = "Send a delivery again now", description = ROLES_DOC + "Any status: a FAILED or DELIVERED "
            + "delivery gets one more attempt, a PENDING one is made due now (409 while an attempt is on the wire). "
            + "The webhook-id stays the same.")
    @APIResponse(responseCode = "202", description = "Due now",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DeliveryView.class)))
    @ProblemResponses.NotFound
    @ProblemResponses.Conflict
    public Uni<Response> retry(@PathParam("id") UUID id, @PathParam("deliveryId") UUID deliveryId) {
        return webhooks.retry(id, deliveryId, caller.get()).map(view -> Response.accepted(view).build());
    }
}
