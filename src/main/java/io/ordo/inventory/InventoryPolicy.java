package io.ordo.inventory;

/** How a SKU may be promised beyond what is on the shelf ({@code PUT /v1/skus/{sku}/policy}). */
public enum InventoryPolicy {
    /** A line that cannot be fully reserved is refused (409 with shortages): v1 behaviour, the default. */
    DENY,
    /** Missing units are backordered (up to the policy's limit) and served first come, first served. */
    BACKORDER,
    /** Like BACKORDER, for a SKU not released yet: lines show the policy's expectedAt. */
    PREORDER
}
