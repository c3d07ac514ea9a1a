package io.ordo.security;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.smallrye.mutiny.Uni;

/**
 * Answers a bearer token from {@link VerifiedTokens} before quarkus-oidc verifies it: asked first (a higher priority
 * than quarkus-oidc's provider), it gives the remembered identity, or nothing, and then quarkus-oidc verifies the token
 * as always. On a miss it leaves the token's hash on the request, where {@link VerifiedTokenRecorder} finds it once
 * the token has passed every check. No I/O, no blocking: a hash and a map lookup on the event loop.
 */
@ApplicationScoped
public class CachedTokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {
    /** Request attribute: the {@link TokenHash} of a token not found in the cache. */
    static final String UNCACHED_TOKEN = "io.ordo.security.uncached-token";

    private final VerifiedTokens tokens;

    public CachedTokenIdentityProvider(VerifiedTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public int priority() {
        return SYSTEM_FIRST + 1000;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        if (!tokens.enabled() || request.getToken() == null || request.getToken().getToken() == null) {
            return Uni.createFrom().nullItem();
        }
        TokenHash hash = TokenHash.of(request.getToken().getToken());
        return tokens.find(hash).map(identity -> Uni.createFrom().item(identity)).orElseGet(() -> {
            request.setAttribute(UNCACHED_TOKEN, hash);
            return Uni.createFrom().nullItem();
        });
    }
}
