package io.ordo.inventory;

import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestHeader;

import io.ordo.catalog.Codes;
import io.ordo.common.ProblemResponses;
import io.ordo.common.idempotency.IdempotencyService;
import io.ordo.common.idempotency.StoredResponse;
import io.ordo.security.Caller;
import io.ordo.security.CurrentCaller;
import io.ordo.security.Roles;
import io.smallrye.mutiny.Uni;

@Path("/v1/stock")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Stock", description = "Counted and reserved stock per SKU and location")
public class StockResource {
    private final StockService stock;
    private final CurrentCaller caller;
    private final IdempotencyService idempotency;

    public StockResource(StockService stock, CurrentCaller caller, IdempotencyService idempotency) {
        this.stock = stock;
        this.caller = caller;
        this.idempotency = idempotency;
    }

    @PUT
    @Path("/{sku}/{location}")
    @RolesAllowed({ Roles.ADMIN, Roles.FULFILLMENT })
    @Operation(summary = "Set the counted quantity", description = "Roles: `ordo-admin`, `ordo-fulfillment`. "
            + "Creates the SKU/location pair if needed. Refused (409) below the reserved quantity.")
    @APIResponse(responseCode = "200", description = "The count was recorded")
    @ProblemResponses.Validation
    @ProblemResponses.NotFound
    @ProblemResponses.Conflict
    public Uni<StockLevelView> count(@PathParam("sku") @Sku String sku,
            @PathParam("location") @Pattern(regexp = Codes.PATTERN, message = Codes.MESSAGE) String location,
            @Valid @NotNull SetStock body) {
        return stock.count(sku, location, body, caller.get());
    }

    @POST
    @Path("/{sku}/{location}/adjustments")
    @RolesAllowed({ Roles.ADMIN, Roles.FULFILLMENT })
    @Operation(summary = "Adjust onHand by a delta", description = "Roles: `ordo-admin`, `ordo-fulfillment`. "
            + "Atomic under concurrency; refused (409) when onHand would fall below reserved.")
    @APIResponse(responseCode = "201", description = "The adjustment was recorded")
    @ProblemResponses.Validation
    @ProblemResponses.NotFound
    @ProblemResponses.Conflict
    public Uni<Response> adjust(@PathParam("sku") @Sku String sku,
            @PathParam("location") @Pattern(regexp = Codes.PATTERN, message = Codes.MESSAGE) String location,
            @Valid @NotNull AdjustStock body, @RestHeader(IdempotencyService.HEADER) String idempotencyKey) {
        Caller who = caller.get();
        return idempotency.once(who.subject(), who.idempotencyScope(), idempotencyKey, "POST /v1/stock/" + sku + "/" + location + "/adjustments", body,
                claim -> stock.adjust(sku, location, body, who, claim)
                        .map(level -> new StoredResponse(201, idempotency.write(level), MediaType.APPLICATION_JSON,
                                Map.of())));
    }

    @GET
    @Path("/{sku}")
    @RolesAllowed({ Roles.ADMIN, Roles.FULFILLMENT, Roles.CHANNEL })
    @Operation(summary = "Stock of a SKU", description = "Roles: all. Totals and each location in reservation "
            + "order; `available = onHand - reserved`, never negative.")
    @ProblemResponses.NotFound
    public Uni<StockView> bySku(@PathParam("sku") @Sku String sku) {
        return stock.bySku(sku);
    }
}
