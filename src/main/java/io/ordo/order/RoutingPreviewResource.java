package io.ordo.order;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestQuery;

import io.ordo.common.InvalidRequest;
import io.ordo.common.ProblemResponses;
import io.ordo.common.ResourceNotFound;
import io.ordo.routing.RoutingRule;
import io.ordo.security.CurrentCaller;
import io.ordo.security.Roles;
import io.smallrye.mutiny.Uni;

@Path("/v1/routing/preview")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Routing")
public class RoutingPreviewResource {
    private final OrderIntake intake;
    private final OrderRepository orders;
    private final CurrentCaller caller;

    public RoutingPreviewResource(OrderIntake intake, OrderRepository orders, CurrentCaller caller) {
        this.intake = intake;
        this.orders = orders;
        this.caller = caller;
    }

    @POST
    @RolesAllowed({ Roles.ADMIN, Roles.CHANNEL })
    @Operation(summary = "Preview where an order would be reserved", description = "Roles: `ordo-admin`, "
            + "`ordo-channel` (its own channel). The same decision intake takes, on the stock as it is now, with each "
            + "allocation's reason; nothing is reserved or written. `rules` (and `allowSplit`) try other rules than "
            + "the channel's before switching them on. A body that intake would refuse as invalid is refused the "
            + "same way (400); an order intake would refuse for stock is `accepted: false` with its shortages.")
    @ProblemResponses.Validation
    @ProblemResponses.NotFound
    public Uni<RoutingPreview> preview(@Valid @NotNull PlaceOrder body,
            @Parameter(description = "Comma-separated rules to try, e.g. SAME_COUNTRY,FEWEST_SHIPMENTS,PRIORITY")
            @RestQuery String rules,
            @Parameter(description = "With rules: true (default) or false") @RestQuery String allowSplit) {
        List<String> tried;
        Boolean split;
        NewOrder order;
        try {
            tried = rules == null ? null : parseRules(rules);
            split = parseSplit(allowSplit, tried != null);
            if (body.holdId() != null) {
                throw new InvalidRequest("holdId", "a preview routes the lines afresh; leave holdId out");
            }
            order = intake.prepare(body, caller.get());
        } catch (RuntimeException refused) {
            return Uni.createFrom().failure(refused);
        }
        return orders.preview(order.toJson(), tried, split).map(found -> RoutingPreview.of(
                found.orElseThrow(() -> new ResourceNotFound("Channel", order.channel()))));
    }

    private static List<String> parseRules(String rules) {
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String part : rules.split(",", -1)) {
            String name = part.strip();
            try {
                RoutingRule.valueOf(name);
            } catch (IllegalArgumentException e) {
                throw new InvalidRequest("rules", "'" + name + "' is not a rule (SAME_COUNTRY, FEWEST_SHIPMENTS, "
                        + "NEAREST, PRIORITY, MOST_AVAILABLE)");
            }
            if (!seen.add(name)) {
                throw new InvalidRequest("rules", name + " is listed twice");
            }
            names.add(name);
        }
        if (names.size() > RoutingRule.values().length) {
            throw new InvalidRequest("rules", "at most " + RoutingRule.values().length + " rules");
        }
        return List.copyOf(names);
    }

    private static Boolean parseSplit(String allowSplit, boolean withRules) {
        if (allowSplit == null) {
            return null;
        }
        if (!withRules) {
            throw new InvalidRequest("allowSplit", "is only taken with rules");
        }
        return switch (allowSplit) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new InvalidRequest("allowSplit", "must be true or false");
        };
    }
}
