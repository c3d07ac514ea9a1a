package io.ordo.security;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;

import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.JwtContext;
import org.jose4j.jwt.consumer.Validator;

import io.quarkus.arc.Unremovable;

/**
 * Refuses tokens that quarkus-oidc would accept on signature, issuer and {@code exp} alone: a token without
 * {@code iat}, one issued in the future (beyond {@code ordo.security.clock-skew}), one whose lifetime
 * ({@code exp - iat}) exceeds {@code ordo.security.max-token-lifetime}. With {@code exp} checked by quarkus-oidc, that
 * also bounds a token's age: none issued longer ago than the maximum lifetime is still accepted. quarkus-oidc runs
 * every {@link Validator} bean while it verifies a token, so a refused token is a 401.
 */
@ApplicationScoped
@Unremovable
public class TokenTimesValidator implements Validator {
    private final Clock clock;
    private final long maxLifetimeSeconds;
    private final long skewSeconds;

    public TokenTimesValidator(SecurityConfig config, Clock clock) {
        this.clock = clock;
        this.maxLifetimeSeconds = config.maxTokenLifetime().toSeconds();
        this.skewSeconds = config.clockSkew().toSeconds();
    }

    @Override
    public String validate(JwtContext context) throws MalformedClaimException {
        JwtClaims claims = context.getJwtClaims();
        NumericDate issuedAt = claims.getIssuedAt();
        NumericDate expires = claims.getExpirationTime();
        if (issuedAt == null || expires == null) {
            return "the token must carry iat and exp";
        }
        long now = clock.instant().getEpochSecond();
        long iat = issuedAt.getValue();
        if (iat > now + skewSeconds) {
            return "the token is issued in the future (iat " + iat + ", now " + now + ")";
        }
        if (expires.getValue() - iat > maxLifetimeSeconds) {
            return "the token's lifetime exceeds " + maxLifetimeSeconds + " s";
        }
        return null;
    }
}
