package io.ordo.security;

import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.vertx.ext.web.RoutingContext;

/**
 * Identities of bearer tokens that quarkus-oidc verified lately, keyed by the token's SHA-256 ({@link TokenHash}),
 * each until the earlier of the token's {@code exp} and {@code ordo.security.token-cache.max-age} after it was
 * verified. Bounded by {@code max-size} (exceeded at most by the inserts racing on the event-loop threads): when full,
 * the expired entries go, then a tenth of the rest (arbitrary ones; a token that is dropped is simply verified
 * again). Only identities that passed every check are remembered (a
 * refused token is refused again, at full cost, every time). Per instance, in memory.
 * <p>
 * What it changes about revocation: nothing for a token's expiry (never accepted past {@code exp}); a token whose
 * signing key the issuer withdraws is still accepted for up to {@code max-age} (without the cache, until quarkus-oidc
 * refreshes its key set). Tokens are verified locally either way: a token revoked at the issuer (logout) stays valid
 * until {@code exp} with or without the cache.
 */
@ApplicationScoped
public class VerifiedTokens {
    private final Map<TokenHash, Verified> entries = new ConcurrentHashMap<>();
    private final Clock clock;
    private final int maxSize;
    private final long maxAgeMillis;
    private final Counter hits;
    private final Counter misses;

    private record Verified(SecurityIdentity identity, long validUntilMillis) {
    }

    public VerifiedTokens(TokenCacheConfig config, Clock clock, MeterRegistry registry) {
        this.clock = clock;
        this.maxSize = config.maxSize();
        this.maxAgeMillis = config.maxAge().toMillis();
        this.hits = Counter.builder("ordo.security.token.cache").tag("result", "hit")
                .description("bearer tokens found verified in the cache").register(registry);
        this.misses = Counter.builder("ordo.security.token.cache").tag("result", "miss")
                .description("bearer tokens verified by quarkus-oidc (not in the cache)").register(registry);
        Gauge.builder("ordo.security.token.cache.size", entries, Map::size)
                .description("verified bearer tokens remembered").register(registry);
    }

    public boolean enabled() {
        return maxSize > 0;
    }

    /** The identity of a token verified earlier and still within its validity, else empty (counted as a miss). */
    public Optional<SecurityIdentity> find(TokenHash token) {
        Verified verified = entries.get(token);
        if (verified != null) {
            if (clock.millis() < verified.validUntilMillis()) {
                hits.increment();
                return Optional.of(verified.identity());
            }
            entries.remove(token, verified);
        }
        misses.increment();
        return Optional.empty();
    }

    /**
     * Remembers a token quarkus-oidc has just verified, with its {@code exp} (epoch seconds). The identity is kept
     * without what belongs to the request that verified it (its routing context), which a later request must not see.
     */
    public void remember(TokenHash token, SecurityIdentity identity, long expiresAtEpochSecond) {
        long now = clock.millis();
        long validUntil = Math.min(expiresAtEpochSecond * 1000, now + maxAgeMillis);
        if (validUntil <= now) {
            return;
        }
        if (entries.size() >= maxSize) {
            makeRoom(now);
        }
        entries.put(token, new Verified(withoutRequest(identity), validUntil));
    }

    public int size() {
        return entries.size();
    }

    private void makeRoom(long now) {
        entries.values().removeIf(v -> v.validUntilMillis() <= now);
        int excess = entries.size() - (maxSize - Math.max(1, maxSize / 10));
        for (Iterator<TokenHash> it = entries.keySet().iterator(); excess > 0 && it.hasNext(); excess--) {
            it.next();
            it.remove();
        }
    }

    /**
     * The identity's principal, roles, credentials, permissions and attributes, but not the request it was verified
     * in. Permission checkers (functions added by augmentors) are not carried: this service adds none, and the
     * augmentors run again on every request, a cached identity's too.
     */
    private static SecurityIdentity withoutRequest(SecurityIdentity identity) {
        QuarkusSecurityIdentity.Builder copy = QuarkusSecurityIdentity.builder()
                .setPrincipal(identity.getPrincipal())
                .addRoles(identity.getRoles())
                .addCredentials(identity.getCredentials())
                .addPermissions(identity.getPermissions());
        identity.getAttributes().forEach((name, value) -> {
            if (!(value instanceof RoutingContext) && !(value instanceof AuthenticationRequestContext)) {
                copy.addAttribute(name, value);
            }
        });
        return copy.build();
    }
}
