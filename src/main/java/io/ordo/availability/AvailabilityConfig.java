package io.ordo.availability;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The availability feed ({@code ordo.availability.*}). */
@ConfigMapping(prefix = "ordo.availability")
public interface AvailabilityConfig {
    /**
     * At most one {@code stock.changed} per SKU per this interval; also how often each instance looks for SKUs to
     * announce (the scheduler checks its triggers once a second, so shorter values act as 1s).
     */
    @WithDefault("1s")
    Duration coalesce();

    /** Most SKUs one flush statement takes; the flusher runs again at once while a run takes this many. */
    @WithDefault("500")
    int flushBatchSize();
}
