package io.ordo.common.idempotency;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Idempotency keys ({@code ordo.idempotency.*}). */
@ConfigMapping(prefix = "ordo.idempotency")
public interface IdempotencyConfig {
    /** How long idempotency keys and their responses are kept. */
    @WithDefault("24h")
    Duration retention();

    /** How long a request may hold its key before another attempt may take it over (crashed instance). */
    @WithDefault("60s")
    Duration inFlightLease();

    /** How often expired keys are deleted. */
    @WithDefault("5m")
    Duration purgeInterval();
}
