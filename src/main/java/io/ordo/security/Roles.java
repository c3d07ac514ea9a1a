package io.ordo.security;

/** The roles a token may carry (in {@code groups} or Keycloak's {@code realm_access.roles}). */
public final class Roles {
    /** Everything. */
    public static final String ADMIN = "ordo-admin";
    /** A sales channel: its own orders and holds only; the channel is the token's {@code ordo_channel} claim. */
    public static final String CHANNEL = "ordo-channel";
    /** Warehouse and store staff: all orders, shipments, returns, stock. */
    public static final String FULFILLMENT = "ordo-fulfillment";
    /**
     * A scheduler outside the service (a CronJob, a PingSource's caller): runs a round of background work and reads
     * how much is due, nothing else.
     */
    public static final String OPS = "ordo-ops";

    /** The claim that names a channel token's channel. */
    public static final String CHANNEL_CLAIM = "ordo_channel";

    private Roles() {
    }
}
