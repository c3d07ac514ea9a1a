package io.ordo.inventory;

/** Why {@code onHand} changed: the stock API, a shipment or a restocked return. */
public enum MovementKind {
    /** A counted quantity was set ({@code PUT}). */
    COUNT,
    /** A relative change ({@code POST .../adjustments}). */
    ADJUSTMENT,
    /** Units shipped to a customer ({@code POST /v1/orders/{id}/shipments}). */
    SHIPMENT,
    /** Returned units put back on the shelf ({@code POST /v1/returns/{id}/receive} with {@code restock}). */
    RETURN
}
