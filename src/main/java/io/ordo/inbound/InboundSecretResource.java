package io.ordo.inbound;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.ordo.common.ProblemResponses;
import io.ordo.security.Roles;
import io.ordo.webhook.SecretView;
import io.smallrye.mutiny.Uni;

@Path("/v1/channels/{code}/inbound-secret")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Inbound webhooks")
public class InboundSecretResource {
    private final InboundSecrets secrets;

    public InboundSecretResource(InboundSecrets secrets) {
        this.secrets = secrets;
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Create or rotate a channel's inbound secret", description = "Role: `ordo-admin`. Returns "
            + "the new secret once (`whsec_` + base64); the shop signs `POST /v1/inbound/{code}/orders` with it. The "
            + "previous secret stays valid until `previousSecretExpiresAt`.")
    @ProblemResponses.NotFound
    public Uni<SecretView> rotate(@PathParam("code") String code) {
        return secrets.rotate(code);
    }
}
