package io.ordo.inventory;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Holds and their expiry ({@code ordo.holds.*}). */
@ConfigMapping(prefix = "ordo.holds")
public interface HoldsConfig {
    /** Hold lifetime when {@code ttlSeconds} is absent. */
    @WithDefault("15m")
    Duration defaultTtl();

    /** How often each instance expires due holds. */
    @WithDefault("1s")
    Duration sweepInterval();

    /** Most holds one sweep expires in one statement. */
    @WithDefault("200")
    int sweepBatchSize();
}
