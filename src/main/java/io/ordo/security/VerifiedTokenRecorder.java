package io.ordo.security;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;

/**
 * Remembers a bearer token's identity in {@link VerifiedTokens} once quarkus-oidc has verified it: augmentors run
 * only after a provider has accepted the request, and this one runs last, so what is remembered is the identity as
 * the service sees it. Acts only on requests that {@link CachedTokenIdentityProvider} marked as not found.
 */
@ApplicationScoped
public class VerifiedTokenRecorder implements SecurityIdentityAugmentor {
    private final VerifiedTokens tokens;

    public VerifiedTokenRecorder(VerifiedTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public int priority() {
        return Integer.MIN_VALUE;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        return Uni.createFrom().item(identity);
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context,
            Map<String, Object> attributes) {
        if (attributes.get(CachedTokenIdentityProvider.UNCACHED_TOKEN) instanceof TokenHash hash
                && !identity.isAnonymous() && identity.getPrincipal() instanceof JsonWebToken jwt
                && jwt.getExpirationTime() > 0) {
            tokens.remember(hash, identity, jwt.getExpirationTime());
        }
        return Uni.createFrom().item(identity);
    }
}
