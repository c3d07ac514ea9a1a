package io.ordo.inventory;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Backorders ({@code ordo.backorders.*}). */
@ConfigMapping(prefix = "ordo.backorders")
public interface BackordersConfig {
    /**
     * How often each instance announces orders whose backorders were given units ({@link BackorderAnnouncer}); the
     * changes that may serve backorders also start a run at once.
     */
    @WithDefault("1s")
    Duration announceInterval();

    /** Most orders one announcement statement takes. */
    @WithDefault("200")
    int announceBatchSize();
}
