package io.ordo.webhook;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A new signing secret, shown once; the previous one stays valid until {@code previousSecretExpiresAt}. */
@RegisterForReflection
@Schema(name = "Secret")
public record SecretView(
        @Schema(examples = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") String secret,
        @JsonInclude(JsonInclude.Include.NON_NULL) Instant previousSecretExpiresAt) {

    @Override
    public String toString() {
        return "SecretView[secret=<hidden>]";
    }
}
