package io.ordo.webhook;

import java.time.Duration;
import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Webhook subscriptions, deliveries and inbound signatures ({@code ordo.webhooks.*}). */
@ConfigMapping(prefix = "ordo.webhooks")
public interface WebhooksConfig {
    /** Accept {@code http://} webhook URLs. */
    @WithDefault("false")
    boolean allowHttp();

    /** Accept loopback, private and link-local webhook targets. */
    @WithDefault("false")
    boolean allowPrivateNetworks();

    /** Pauses between delivery attempts; about a day in all. */
    @WithDefault("5s,30s,2m,10m,30m,1h,2h,4h,8h,8h")
    List<Duration> retrySchedule();

    @WithDefault("10s")
    Duration timeout();

    /** An endpoint failing every attempt this long is disabled. */
    @WithDefault("5d")
    Duration disableAfter();

    /** Run the delivery worker on this instance (subscriptions and fan-out work everywhere). */
    @WithDefault("true")
    boolean workersEnabled();

    /** How often an idle worker looks for due deliveries. */
    @WithDefault("100ms")
    Duration pollInterval();

    /** Most deliveries one poll claims (the fan-out claims first attempts itself). */
    @WithDefault("200")
    int batchSize();

    /** Most deliveries one instance has on the wire at once (also its connections per endpoint). */
    @WithDefault("128")
    int maxInFlight();

    /**
     * Most deliveries one instance has on the wire at once to one subscription's endpoint, so a slow endpoint cannot
     * take every slot; an endpoint that falls behind gets no more claims on that instance until it catches up.
     */
    @WithDefault("64")
    int maxInFlightPerEndpoint();

    /** Finished (delivered or failed) deliveries and their attempts are deleted after this. */
    @WithDefault("7d")
    Duration deliveryRetention();

    /** After a secret rotation, deliveries are signed with the old secret too for this long. */
    @WithDefault("24h")
    Duration secretRotationWindow();
}
