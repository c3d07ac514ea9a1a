package io.ordo.order;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Order intake batching ({@code ordo.intake.*}). */
@ConfigMapping(prefix = "ordo.intake")
public interface IntakeConfig {
    /** Most orders placed in one database call when concurrent requests are coalesced. */
    @WithDefault("200")
    int maxBatchSize();

    /** Coalesced batches running at once; further requests queue and join the next batch. */
    @WithDefault("4")
    int maxConcurrentBatches();
}
