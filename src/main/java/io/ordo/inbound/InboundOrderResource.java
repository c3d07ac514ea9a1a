package io.ordo.inbound;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameters;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirements;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.ordo.common.Problem;
import io.ordo.common.ProblemResponses;
import io.ordo.common.idempotency.IdempotencyService;

import io.ordo.order.OrderBodyReader;
import io.ordo.order.OrderDocument;
import io.ordo.order.OrderIntake;
import io.ordo.order.OrderView;
import io.ordo.order.PlaceOrder;
import io.ordo.security.Caller;
import io.ordo.webhook.Signatures;
import io.smallrye.mutiny.Uni;

/**
 * Orders from a shop's own webhook: no bearer token (the path is open at the HTTP layer), authenticated by a
 * Standard Webhooks signature with the channel's inbound secret instead. The signature and its timestamp (5 minutes'
 * tolerance) are checked before anything else, so a bad or stale one is a 401 and nothing is stored; then the order
 * is placed through the same intake as {@code POST /v1/orders}, with the {@code webhook-id} as idempotency key.
 */
@Path("/v1/inbound/{channel}/orders")
@Tag(name = "Inbound webhooks", description = "Orders pushed by shops, signed per Standard Webhooks")
public class InboundOrderResource {
    private final InboundSecrets secrets;
    private final OrderIntake intake;
    private final IdempotencyService idempotency;
    private final OrderBodyReader reader;

    public InboundOrderResource(InboundSecrets secrets, OrderIntake intake, IdempotencyService idempotency,
            OrderBodyReader reader) {
        this.secrets = secrets;
        this.intake = intake;
        this.idempotency = idempotency;
        this.reader = reader;
    }

    @POST
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @SecurityRequirements
    @Operation(summary = "Place an order from a shop's signed webhook", description = "No bearer token: the request "
            + "must carry `webhook-id`, `webhook-timestamp` (within 5 minutes of now) and `webhook-signature` "
            + "(`v1,<base64 HMAC-SHA256 of id.timestamp.body>` with the channel's inbound secret, see "
            + "`POST /v1/channels/{code}/inbound-secret`). The body is an order body as for `POST /v1/orders` "
            + "(`channel` may be omitted); the `webhook-id` is the idempotency key, so a redelivery replays the first "
            + "answer.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PlaceOrder.class)))
    @APIResponse(responseCode = "201", description = "Accepted; `Location` and `ETag` name the order",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OrderView.class)))
    @APIResponse(responseCode = "401", description = "Missing, invalid or stale signature; nothing was stored",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ProblemResponses.Validation
    @ProblemResponses.Conflict
    @Parameters({
            @Parameter(in = ParameterIn.HEADER, name = Signatures.ID_HEADER, required = true,
                    description = "Unique per message; the idempotency key"),
            @Parameter(in = ParameterIn.HEADER, name = Signatures.TIMESTAMP_HEADER, required = true,
                    description = "Unix seconds"),
            @Parameter(in = ParameterIn.HEADER, name = Signatures.SIGNATURE_HEADER, required = true,
                    description = "v1,<base64 HMAC-SHA256>; several space-separated") })
    public Uni<Response> receive(@PathParam("channel") String channel, @Context HttpHeaders headers, String body) {
        String payload = body == null ? "" : body;
        Map<String, List<String>> signed = Map.of(
                Signatures.ID_HEADER, values(headers, Signatures.ID_HEADER),
                Signatures.TIMESTAMP_HEADER, values(headers, Signatures.TIMESTAMP_HEADER),
                Signatures.SIGNATURE_HEADER, values(headers, Signatures.SIGNATURE_HEADER));
        return secrets.valid(channel).chain(candidates -> {
            if (candidates.isEmpty() || !Signatures.verify(candidates, payload, signed)) {
                return Uni.createFrom().failure(new SignatureRejected());
            }
            String webhookId = signed.get(Signatures.ID_HEADER).get(0);
            PlaceOrder order = reader.read(payload);
            Caller shop = new Caller("inbound:" + channel, false, false, Optional.of(channel));
            return idempotency.once(shop.subject(), shop.idempotencyScope(), webhookId, "POST /v1/inbound/" + channel + "/orders", order,
                    claim -> intake.place(order, shop, claim).map(OrderDocument::created));
        });
    }

    private static List<String> values(HttpHeaders headers, String name) {
        List<String> values = headers.getRequestHeader(name);
        return values == null ? List.of() : values;
    }
}
