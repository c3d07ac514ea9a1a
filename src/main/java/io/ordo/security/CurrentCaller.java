package io.ordo.security;

import java.util.Optional;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.ForbiddenException;
import io.quarkus.security.identity.SecurityIdentity;

/** Resolves the {@link Caller} of the current request from its verified token. */
@RequestScoped
public class CurrentCaller {
    private final SecurityIdentity identity;

    @Inject
    public CurrentCaller(SecurityIdentity identity) {
        this.identity = identity;
    }

    public Caller get() {
        boolean admin = identity.hasRole(Roles.ADMIN);
        boolean fulfillment = identity.hasRole(Roles.FULFILLMENT);
        Optional<String> channel = Optional.empty();
        if (!admin && !fulfillment && identity.hasRole(Roles.CHANNEL)) {
            channel = channelClaim();
            if (channel.isEmpty()) {
                throw new ForbiddenException("channel token without an " + Roles.CHANNEL_CLAIM + " claim");
            }
        }
        return new Caller(subject(), admin, fulfillment, channel);
    }

    private String subject() {
        if (identity.getPrincipal() instanceof JsonWebToken jwt && jwt.getSubject() != null) {
            return jwt.getSubject();
        }
        return identity.getPrincipal().getName();
    }

    private Optional<String> channelClaim() {
        if (identity.getPrincipal() instanceof JsonWebToken jwt) {
            Object claim = jwt.getClaim(Roles.CHANNEL_CLAIM);
            if (claim != null) {
                String value = claim.toString().replace("\"", "").trim();
                return value.isEmpty() ? Optional.empty() : Optional.of(value);
            }
        }
        return Optional.empty();
    }
}
