package io.ordo.outbox;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The outbox relay ({@code ordo.outbox.*}). */
@ConfigMapping(prefix = "ordo.outbox")
public interface OutboxConfig {
    /** Run the outbox relay on this instance. */
    @WithDefault("true")
    boolean relayEnabled();

    /** How often an idle relay looks for new events. */
    @WithDefault("100ms")
    Duration pollInterval();

    /** Events relayed per transaction. */
    @WithDefault("500")
    int batchSize();

    /** A batch not confirmed by every sink in this time is offered again. */
    @WithDefault("10s")
    Duration sinkTimeout();

    /** Published events are deleted after this. */
    @WithDefault("7d")
    Duration retention();
}
