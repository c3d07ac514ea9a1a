package io.ordo.inventory;

/** Bounds that keep stock arithmetic inside a PostgreSQL integer (the schema enforces the same). */
public final class StockLimits {
    public static final int MAX_ON_HAND = 1_000_000_000;

    private StockLimits() {
    }
}
