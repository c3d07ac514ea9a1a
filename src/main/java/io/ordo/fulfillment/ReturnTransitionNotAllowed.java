package io.ordo.fulfillment;

import io.ordo.common.StatusTransitionRefused;
import io.ordo.order.ReturnStatus;

/** The return's status does not allow this step (receive twice, refund before receipt, ...). */
public final class ReturnTransitionNotAllowed extends StatusTransitionRefused {

    ReturnTransitionNotAllowed(ReturnStatus from, ReturnStatus to) {
        super("A return", from, to);
    }
}
