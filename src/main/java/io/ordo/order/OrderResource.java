package io.ordo.order;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
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
import jakarta.ws.rs.QueryParam;
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

import io.ordo.common.InvalidRequest;
import io.ordo.common.Items;
import io.ordo.common.OrdoException;
import io.ordo.common.Problem;
import io.ordo.common.ProblemResponses;
import io.ordo.common.idempotency.Claim;
import io.ordo.common.idempotency.IdempotencyService;
import io.ordo.common.idempotency.StoredResponse;
import io.ordo.security.Caller;
import io.ordo.security.CurrentCaller;
import io.ordo.security.Roles;
import io.smallrye.mutiny.Uni;

@Path("/v1/orders")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Orders")
public class OrderResource {
    private static final String IDEMPOTENCY_DOC = "1-255 printable characters; a retry with the same key and body "
            + "replays the first answer (header Idempotent-Replayed: true)";

    private final OrderIntake intake;
    private final OrderService orders;
    private final IdempotencyService idempotency;
    private final CurrentCaller caller;
    private final OrderBodyReader reader;

    public OrderResource(OrderIntake intake, OrderService orders, IdempotencyService idempotency, CurrentCaller caller,
            OrderBodyReader reader) {
        this.intake = intake;
        this.orders = orders;
        this.idempotency = idempotency;
        this.caller = caller;
        this.reader = reader;
    }

    @POST
    @RolesAllowed({ Roles.ADMIN, Roles.CHANNEL })
    @Operation(summary = "Place an order", description = "Roles: `ordo-channel` (its own channel; `channel` may be "
            + "omitted), `ordo-admin` (names `channel`). Every line is reserved in the same transaction, from "
            + "locations in priority order; if any line is short nothing is reserved (409 with `shortages`). "
            + "A second order with the same (channel, externalId) is a 409 with `existingOrderId`.")
    @APIResponse(responseCode = "201", description = "Accepted; `Location` and `ETag` name the order",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OrderView.class)))
    @ProblemResponses.KeyReused
    @ProblemResponses.Validation
    @ProblemResponses.Conflict
    public Uni<Response> place(@Valid @NotNull PlaceOrder body,
            @Parameter(description = IDEMPOTENCY_DOC) @RestHeader(IdempotencyService.HEADER) String idempotencyKey) {
        Caller who = caller.get();
        return idempotency.once(who.subject(), who.idempotencyScope(), idempotencyKey, "POST /v1/orders", body,
                claim -> intake.place(body, who, claim).map(OrderDocument::created));
    }

    @POST
    @Path("/batch")
    @RolesAllowed({ Roles.ADMIN, Roles.CHANNEL })
    @Operation(summary = "Place up to 500 orders", description = "Roles: as for placing one order. Each order stands "
            + "or falls alone; `results` has one entry per index with `status` and either `order` or `problem`. "
            + "All valid orders are placed in one database call.")
    @APIResponse(responseCode = "200", description = "One result per order",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = BatchResult.class)))
    @ProblemResponses.Validation
    public Uni<Response> placeBatch(@Valid @NotNull PlaceOrders body,
            @Parameter(description = IDEMPOTENCY_DOC) @RestHeader(IdempotencyService.HEADER) String idempotencyKey) {
        Caller who = caller.get();
        return idempotency.once(who.subject(), who.idempotencyScope(), idempotencyKey, "POST /v1/orders/batch", body, claim -> placeAll(body, who, claim));
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({ Roles.ADMIN, Roles.CHANNEL, Roles.FULFILLMENT })
    @Operation(summary = "Get an order", description = "Roles: all; a channel token sees its own channel's orders "
            + "only (others are 404). `ETag` is the order's version.")
    @ProblemResponses.NotFound
    public Uni<Response> get(@PathParam("id") UUID id) {
        return orders.get(id, caller.get()).map(this::ok);
    }

    @GET
    @RolesAllowed({ Roles.ADMIN, Roles.CHANNEL, Roles.FULFILLMENT })
    @Operation(summary = "List orders", description = "Roles: all (a channel token sees its own channel only). "
            + "Newest first, keyset pagination: pass `nextCursor` back as `cursor`.")
    @ProblemResponses.Validation
    public Uni<OrderPage> list(@QueryParam("channel") String channel, @QueryParam("status") OrderStatus status,
            @QueryParam("sku") String sku,
            @Parameter(description = "RFC 3339, inclusive") @QueryParam("createdFrom") String createdFrom,
            @Parameter(description = "RFC 3339, exclusive") @QueryParam("createdTo") String createdTo,
            @Parameter(description = "true: only orders with units waiting for stock (backordered or pre-ordered); "
                    + "false: only orders without") @QueryParam("backordered") String backordered,
            @Parameter(description = "1-200, default 50") @QueryParam("limit") Integer limit,
            @QueryParam("cursor") String cursor) {
        int pageSize = limit == null ? OrderService.DEFAULT_PAGE : limit;
        if (pageSize < 1 || pageSize > OrderService.MAX_PAGE) {
            throw new InvalidRequest("limit", "must be between 1 and " + OrderService.MAX_PAGE);
        }
        OrderQuery query = new OrderQuery(channel, status, sku, instant("createdFrom", createdFrom),
                instant("createdTo", createdTo), flag("backordered", backordered), cursor == null ? null : Cursor.decode(cursor));
        return orders.list(query, pageSize, caller.get());
    }

    @GET
    @Path("/{id}/history")
    @RolesAllowed({ Roles.ADMIN, Roles.CHANNEL, Roles.FULFILLMENT })
    @Operation(summary = "History of an order", description = "Roles: all. Every status change and event, oldest "
            + "first; `sequence` counts the order's events from 1.")
    @ProblemResponses.NotFound
    public Uni<Items<OrderHistoryEntry>> history(@PathParam("id") UUID id) {
        return orders.history(id, caller.get()).map(Items::new);
    }

    @POST
    @Path("/{id}/cancel")
    @RolesAllowed({ Roles.ADMIN, Roles.CHANNEL })
    @Operation(summary = "Cancel an order", description = "Roles: `ordo-admin`, `ordo-channel` (own orders). Only "
            + "before anything shipped; releases every reservation. `If-Match` with the ETag guards against "
            + "cancelling an order that changed meanwhile (412).")
    @ProblemResponses.StaleVersion
    @ProblemResponses.NotFound
    @ProblemResponses.Conflict
    public Uni<Response> cancel(@PathParam("id") UUID id, @Valid CancelOrder body,
            @Parameter(in = ParameterIn.HEADER, name = HttpHeaders.IF_MATCH) @RestHeader(HttpHeaders.IF_MATCH) String ifMatch) {
        String reason = body == null ? null : body.reason();
        return orders.cancel(id, reason, IfMatch.expectedVersion(ifMatch), caller.get()).map(this::ok);
    }

    @POST
    @Path("/{id}/status")
    @RolesAllowed({ Roles.ADMIN, Roles.FULFILLMENT })
    @Operation(summary = "Move an order on", description = "Roles: `ordo-admin`, `ordo-fulfillment`. "
            + "ACCEPTED → PROCESSING and SHIPPED → DELIVERED; any other move is a 409. Honours `If-Match` (412).")
    @ProblemResponses.StaleVersion
    @ProblemResponses.Validation
    @ProblemResponses.NotFound
    @ProblemResponses.Conflict
    public Uni<Response> changeStatus(@PathParam("id") UUID id, @Valid @NotNull ChangeStatus body,
            @Parameter(in = ParameterIn.HEADER, name = HttpHeaders.IF_MATCH) @RestHeader(HttpHeaders.IF_MATCH) String ifMatch) {
        return orders.changeStatus(id, body.status(), IfMatch.expectedVersion(ifMatch), caller.get()).map(this::ok);
    }

    @POST
    @Path("/{id}/reroute")
    @RolesAllowed({ Roles.ADMIN, Roles.FULFILLMENT })
    @Operation(summary = "Reroute an order", description = "Roles: `ordo-admin`, `ordo-fulfillment`. Moves the "
            + "order's unshipped reservations under its channel's current routing rules, away from "
            + "`excludeLocations`, in one transaction (event `order.rerouted`). Units that can be placed nowhere are "
            + "backordered where the SKU's policy promises them, else nothing moves (409 insufficient-stock). Needs "
            + "`If-Match` with the ETag (428 without, 412 when the order changed meanwhile); a shipped, delivered or "
            + "cancelled order is a 409.")
    @ProblemResponses.StaleVersion
    @ProblemResponses.Validation
    @ProblemResponses.NotFound
    @ProblemResponses.Conflict
    public Uni<Response> reroute(@PathParam("id") UUID id, @Valid @NotNull RerouteOrder body,
            @Parameter(in = ParameterIn.HEADER, name = HttpHeaders.IF_MATCH) @RestHeader(HttpHeaders.IF_MATCH) String ifMatch) {
        return orders.reroute(id, body, IfMatch.expectedVersion(ifMatch), caller.get()).map(this::ok);
    }

    private Response ok(OrderView order) {
        return Response.ok(order).header(HttpHeaders.ETAG, IfMatch.etag(order.version())).build();
    }

    private Uni<StoredResponse> placeAll(PlaceOrders body, Caller who, Claim claim) {
        List<BatchResult.Item> refused = new ArrayList<>();
        List<PlaceOrder> valid = new ArrayList<>();
        List<Integer> validIndexes = new ArrayList<>();
        for (int i = 0; i < body.orders().size(); i++) {
            try {
                valid.add(reader.read(body.orders().get(i)));
                validIndexes.add(i);
            } catch (OrderBodyRefused refusal) {
                refused.add(item(i, refusal.toProblem()));
            }
        }
        return intake.placeAll(valid, who, claim).map(outcomes -> {
            BatchResult.Item[] items = new BatchResult.Item[body.orders().size()];
            refused.forEach(item -> items[item.index()] = item);
            for (int k = 0; k < outcomes.size(); k++) {
                int index = validIndexes.get(k);
                Object outcome = outcomes.get(k);
                if (outcome instanceof OrderDocument placed) {
                    items[index] = new BatchResult.Item(index, 201, placed.json(), null);
                } else if (OrdoException.isRefusal((Throwable) outcome)) {
                    items[index] = item(index, OrdoException.problemOf((Throwable) outcome));
                } else {
                    throw (RuntimeException) outcome;
                }
            }
            return new StoredResponse(200, idempotency.write(new BatchResult(List.of(items))),
                    MediaType.APPLICATION_JSON, Map.of());
        });
    }

    private static BatchResult.Item item(int index, Problem problem) {
        return new BatchResult.Item(index, problem.getStatus(), null, problem);
    }

    /** A strict true/false query value (anything else is a 400 naming it), null when absent. */
    private static Boolean flag(String name, String value) {
        if (value == null) {
            return null;
        }
        return switch (value) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new InvalidRequest(name, "must be true or false");
        };
    }

    private static Instant instant(String name, String value) {
        if (value == null) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidRequest(name, "must be an RFC 3339 time such as 2026-11-22T10:00:00Z");
        }
    }
}
