package io.ordo.availability;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Valid;
import jakarta.validation.Validator;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.ordo.common.Items;
import io.ordo.common.ProblemResponses;
import io.ordo.security.CurrentCaller;
import io.ordo.security.Roles;
import io.smallrye.mutiny.Uni;

@Path("/v1/availability")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Availability", description = "What SKUs may be promised now: on the shelf, and beyond it by policy")
public class AvailabilityResource {
    static final String ROLES_DOC = "Roles: all; a channel token always counts its own channel's assortment (naming "
            + "another channel is a 404), admin and fulfillment name a channel or count every location. ";
    static final String FIGURES_DOC = "`available` = units free now (onHand - reserved, never negative) over the "
            + "locations of the channel's assortment (every location for a channel without one); `backorderable` = "
            + "units that may still be promised beyond it (0 under DENY, limit minus units backordered, null when "
            + "unlimited). Items in the order asked, a repeated SKU once; at most " + AvailabilityRequest.MAX_SKUS
            + " SKUs. One database statement per call.";
    static final String EXAMPLE = """
            {"items": [{"sku": "TSHIRT-M", "available": 42, "backorderable": 0, "inventoryPolicy": "DENY",
                        "expectedAt": null},
                       {"sku": "BOOK-2027", "available": 0, "backorderable": 480, "inventoryPolicy": "PREORDER",
                        "expectedAt": "2027-03-01T09:00:00.000000Z"}]}""";

    private final AvailabilityService availability;
    private final CurrentCaller caller;
    private final Validator validator;

    public AvailabilityResource(AvailabilityService availability, CurrentCaller caller, Validator validator) {
        this.availability = availability;
        this.caller = caller;
        this.validator = validator;
    }

    @GET
    @RolesAllowed({ Roles.ADMIN, Roles.CHANNEL, Roles.FULFILLMENT })
    @Operation(summary = "Availability of SKUs", description = ROLES_DOC + FIGURES_DOC)
    @APIResponse(responseCode = "200", description = "One item per SKU asked",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = AvailabilityItems.class),
                    examples = @ExampleObject(name = "two SKUs", value = EXAMPLE)))
    @ProblemResponses.Validation
    @ProblemResponses.NotFound
    public Uni<Items<SkuAvailability>> get(
            @Parameter(description = "Comma-separated SKUs (the parameter may also repeat); 1-200",
                    example = "TSHIRT-M,BOOK-2027") @QueryParam("skus") List<String> skus,
            @Parameter(description = "Count only this channel's assortment", example = "web-eu")
            @QueryParam("channel") String channel) {
        AvailabilityRequest request = new AvailabilityRequest(split(skus), channel);
        Set<ConstraintViolation<AvailabilityRequest>> violations = validator.validate(request);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        return availability.find(request, caller.get()).map(Items::new);
    }

    @POST
    @RolesAllowed({ Roles.ADMIN, Roles.CHANNEL, Roles.FULFILLMENT })
    @Operation(summary = "Availability of SKUs (long lists)", description = "The same as `GET`, for lists too long "
            + "for a URL. " + ROLES_DOC + FIGURES_DOC)
    @APIResponse(responseCode = "200", description = "One item per SKU asked",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = AvailabilityItems.class),
                    examples = @ExampleObject(name = "two SKUs", value = EXAMPLE)))
    @ProblemResponses.Validation
    @ProblemResponses.NotFound
    public Uni<Items<SkuAvailability>> post(@Valid @NotNull AvailabilityRequest body) {
        return availability.find(body, caller.get()).map(Items::new);
    }

    /** Every entry of every {@code skus} parameter, split at commas, empty entries kept (they are refused). */
    private static List<String> split(List<String> parameters) {
        if (parameters == null) {
            return null;
        }
        List<String> skus = new ArrayList<>();
        for (String parameter : parameters) {
            for (String sku : parameter.split(",", -1)) {
                skus.add(sku);
                if (skus.size() > AvailabilityRequest.MAX_SKUS) {
                    return skus; // enough to be refused; a huge list is not split further
                }
            }
        }
        return skus;
    }

    /** The response's shape, for the OpenAPI document only. */
    @Schema(name = "AvailabilityItems")
    record AvailabilityItems(List<SkuAvailability> items) {
    }
}
