package io.ordo.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.quarkus.security.ForbiddenException;

/**
 * What counts as a refusal a client can act on, and its problem: Ordo's own exceptions, and Quarkus's
 * ForbiddenException, which is how the security package (importing nothing of common) refuses.
 */
class RefusalTest {

    @Test
    void anOrdoExceptionIsARefusalWithItsOwnProblem() {
        InvalidRequest invalid = new InvalidRequest("channel", "must not be null");
        assertTrue(OrdoException.isRefusal(invalid));
        assertEquals(400, OrdoException.problemOf(invalid).getStatus());
        assertEquals(invalid.toProblem().getErrors(), OrdoException.problemOf(invalid).getErrors());
    }

    @Test
    void aForbiddenExceptionIsA403WhoseDetailIsItsMessageWhenItHasOneOfItsOwn() {
        Problem named = OrdoException.problemOf(new ForbiddenException("This token acts for channel 'a', not 'b'"));
        assertEquals(403, named.getStatus());
        assertEquals(ProblemType.FORBIDDEN.uri(), named.getType());
        assertEquals("This token acts for channel 'a', not 'b'", named.getDetail());

        assertEquals(OrdoException.FORBIDDEN_DETAIL, OrdoException.problemOf(new ForbiddenException()).getDetail());
        assertEquals(OrdoException.FORBIDDEN_DETAIL,
                OrdoException.problemOf(new ForbiddenException(new IllegalStateException("internal"))).getDetail(),
                "a cause's message is not for clients");
    }

    @Test
    void anythingElseIsNotTheClientsDoing() {
        assertFalse(OrdoException.isRefusal(new IllegalStateException("bug")));
        assertFalse(OrdoException.isRefusal(new RuntimeException()));
    }
}
