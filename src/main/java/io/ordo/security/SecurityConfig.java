package io.ordo.security;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What a bearer token must satisfy beyond its signature, issuer and expiry (checked by {@link TokenTimesValidator}). */
@ConfigMapping(prefix = "ordo.security")
public interface SecurityConfig {
    /**
     * Longest lifetime ({@code exp - iat}) a token may have (with exp checked, also its greatest age).
     * Access tokens of an OIDC provider live minutes to hours; a token valid for years is a leaked or forged one.
     */
    @WithDefault("12h")
    Duration maxTokenLifetime();

    /** How far in the future a token's {@code iat} may lie (the issuer's clock running ahead of ours). */
    @WithDefault("60s")
    Duration clockSkew();
}
