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

    /**
     * The feed's budget, per instance that flushes: at most about this many SKUs announced per second (0: no budget;
     * the instances take turns through an advisory lock, so N instances may announce up to N times this). When more
     * SKUs change than that, the ones nearest to a stock-out go first and the others are announced later, each with
     * its latest figures (their events are fewer and later, never lost). Every event costs an outbox row, an AMQP
     * message and its webhook deliveries, so without a budget a load spread over many SKUs pays one event per SKU
     * and second on top of its orders (docs/benchmarks.md).
     */
    @WithDefault("250")
    int maxPerSecond();
}
