package io.ordo.messaging;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The receiver of {@code ordo.orders.in}. The broker is the one the connector uses ({@code amqp-host},
 * {@code amqp-port}, {@code amqp-username}, {@code amqp-password}, {@code amqp-use-ssl}).
 */
@ConfigMapping(prefix = "ordo.orders-in")
public interface OrdersInConfig {

    /** Consume orders over AMQP on this instance. */
    @WithDefault("true")
    boolean enabled();

    @WithDefault("ordo.orders.in")
    String address();

    /** Messages being placed at once (they are coalesced by the intake like concurrent HTTP requests). */
    @WithDefault("16")
    int concurrency();

    /** Messages the broker may send ahead of the ones being placed (the link's credit). */
    @WithDefault("64")
    int credit();

    /** Pause before attaching again after the connection was lost or could not be made. */
    @WithDefault("2s")
    Duration reconnectInterval();

}
