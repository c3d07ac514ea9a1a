package io.ordo.inventory;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.ordo.common.InvalidRequest;
import io.ordo.common.ProblemResponses;
import io.ordo.security.CurrentCaller;
import io.ordo.security.Roles;
import io.smallrye.mutiny.Uni;

@Path("/v1/skus/{sku}/policy")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Available to promise", description = "SKU policies (backorders, pre-orders), channel assortment, availability")
public class SkuPolicyResource {
    private final SkuPolicyRepository policies;
    private final CurrentCaller caller;

    public SkuPolicyResource(SkuPolicyRepository policies, CurrentCaller caller) {
        this.policies = policies;
        this.caller = caller;
    }

    @PUT
    @RolesAllowed({ Roles.ADMIN, Roles.FULFILLMENT })
    @Operation(summary = "Set a SKU's inventory policy", description = "Roles: `ordo-admin`, `ordo-fulfillment`. "
            + "`DENY` (default): a shortage is a 409. `BACKORDER`: missing units are backordered, at most `limit` "
            + "units at once (unlimited when absent), and served first come, first served as stock arrives. "
            + "`PREORDER`: like BACKORDER for a SKU not released yet; `expectedAt` is required. Backorders already "
            + "waiting stay promised whatever the new policy.")
    @APIResponse(responseCode = "200", description = "The policy as it now is")
    @ProblemResponses.Validation
    public Uni<SkuPolicyView> set(@PathParam("sku") @Sku String sku, @Valid @NotNull SetSkuPolicy body) {
        if (body.inventoryPolicy() == InventoryPolicy.PREORDER && body.expectedAt() == null) {
            return Uni.createFrom().failure(new InvalidRequest("expectedAt", "is required for PREORDER"));
        }
        return policies.set(sku, body, caller.get().subject());
    }

    @GET
    @RolesAllowed({ Roles.ADMIN, Roles.FULFILLMENT, Roles.CHANNEL })
    @Operation(summary = "A SKU's inventory policy", description = "Roles: admin, fulfillment, channel. A SKU never "
            + "given a policy is `DENY`.")
    public Uni<SkuPolicyView> get(@PathParam("sku") @Sku String sku) {
        return policies.get(sku);
    }
}
