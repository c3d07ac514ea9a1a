package io.ordo.inventory;

/** ACTIVE holds reserve stock; every other status has given it back or passed it on to an order. */
public enum HoldStatus {
    ACTIVE, RELEASED, EXPIRED, CONVERTED
}
