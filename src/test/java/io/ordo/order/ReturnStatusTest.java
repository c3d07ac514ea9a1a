package io.ordo.order;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** REQUESTED → RECEIVED → REFUNDED, checked cell by cell. */
class ReturnStatusTest {

    @ParameterizedTest
    @EnumSource(ReturnStatus.class)
    void eachStatusMovesOnlyToTheNext(ReturnStatus from) {
        for (ReturnStatus to : ReturnStatus.values()) {
            boolean expected = (from == ReturnStatus.REQUESTED && to == ReturnStatus.RECEIVED)
                    || (from == ReturnStatus.RECEIVED && to == ReturnStatus.REFUNDED);
            assertEquals(expected, from.canMoveTo(to), from + " -> " + to);
        }
    }
}
