package io.ordo.routing;

/**
 * The routing rules, each ranking the candidate locations (R__routing_functions.sql, route_key); a channel applies
 * them in the order it lists them, ties broken by priority, then code.
 */
public enum RoutingRule {
    /** Locations in the shipping address's country first. */
    SAME_COUNTRY,
    /** Locations that can take more of the order's SKUs in full first (one that takes the whole order: no split). */
    FEWEST_SHIPMENTS,
    /** Nearest first (great-circle distance from the order's coordinates); skipped when either side has none. */
    NEAREST,
    /** The location's priority, lower first: the default, v1's only rule. */
    PRIORITY,
    /** More units of the line's SKU available first. */
    MOST_AVAILABLE
}
