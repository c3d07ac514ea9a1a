package io.ordo.inventory;

/** Why {@code onHand} changed through the stock API. */
public enum MovementKind {
    /** A counted quantity was set ({@code PUT}). */
    COUNT,
    /** A relative change ({@code POST .../adjustments}). */
    ADJUSTMENT
}
