package io.ordo.inventory;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Stock levels ({@code ordo.stock.*}). The SQL that detects low stock reads the threshold as the session setting
 * {@code ordo.low_stock_threshold} of every pool connection (application.properties); it is mapped here so that the
 * key is typed and validated at start-up like every other.
 */
@ConfigMapping(prefix = "ordo.stock")
public interface StockConfig {
    /** {@code available} at or under which {@code stock.low} fires. */
    @WithDefault("5")
    int lowThreshold();
}
