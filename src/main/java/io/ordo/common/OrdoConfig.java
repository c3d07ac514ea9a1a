package io.ordo.common;

import java.time.Duration;
import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Ordo's own settings (API.md "Configuration an operator relies on"), each also an environment variable. */
@ConfigMapping(prefix = "ordo")
public interface OrdoConfig {

    Webhooks webhooks();

    Holds holds();

    Idempotency idempotency();

    Stock stock();

    Intake intake();

    Outbox outbox();

    interface Webhooks {
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

    interface Holds {
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

    interface Idempotency {
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

    interface Stock {
        /** {@code available} at or under which {@code stock.low} fires. */
        @WithDefault("5")
        int lowThreshold();
    }

    interface Intake {
        /** Most orders placed in one database call when concurrent requests are coalesced. */
        @WithDefault("200")
        int maxBatchSize();

        /** Coalesced batches running at once; further requests queue and join the next batch. */
        @WithDefault("4")
        int maxConcurrentBatches();
    }

    interface Outbox {
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
}
