package io.ordo.order;

/** The life of a return: REQUESTED → RECEIVED → REFUNDED, one step at a time. */
public enum ReturnStatus {
    REQUESTED, RECEIVED, REFUNDED;

    public boolean canMoveTo(ReturnStatus target) {
        return target.ordinal() == ordinal() + 1;
    }
}
