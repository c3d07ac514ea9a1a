package io.ordo.security;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The cache of verified bearer tokens ({@link VerifiedTokens}): a token seen again within its lifetime is not
 * verified again (signature, issuer, times), which is most of what authentication costs per request.
 */
@ConfigMapping(prefix = "ordo.security.token-cache")
public interface TokenCacheConfig {
    /** Most tokens remembered at once (per instance); 0 switches the cache off (every request verifies). */
    @WithDefault("10000")
    int maxSize();

    /**
     * Longest a verified token is trusted without being verified again, however far its {@code exp}: bounds how long
     * a token signed by a key the issuer has since withdrawn from its key set is still accepted. Never past
     * {@code exp}.
     */
    @WithDefault("5m")
    Duration maxAge();
}
