package io.ordo.catalog;

/** What kind of place holds the stock. */
public enum LocationType {
    WAREHOUSE, STORE
}
