package io.ordo.common;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

/** Which failures mean "the database is unreachable" (a 503 with Retry-After) rather than a defect (a 500). */
class PgErrorsTest {

    @Test
    void aStatementOnAConnectionTheServerClosedIsUnavailabilityNotADefect() {
        // what the reactive client answers to the next statement of a transaction whose connection PostgreSQL's
        // fast shutdown closed (bench/multi-instance.sh --restart-postgres saw it as 500s before)
        assertTrue(PgErrors.isUnavailable(new NoStackTraceThrowable("Connection is not active now, current status: CLOSED")));
        assertTrue(PgErrors.isUnavailable(new RuntimeException("wrapped",
                new NoStackTraceThrowable("Connection is not active now, current status: CLOSED"))));
    }

    @Test
    void shutdownCodesAndClosedConnectionsAreUnavailability() {
        assertTrue(PgErrors.isUnavailable(new PgException("the database system is shutting down", "FATAL", "57P03", null)));
        assertTrue(PgErrors.isUnavailable(ClosedConnectionException.INSTANCE));
        assertTrue(PgErrors.isUnavailable(new java.net.ConnectException("Connection refused")));
        // the socket reset under a query by PostgreSQL's fast shutdown (a 500 in the three-instance restart drill)
        assertTrue(PgErrors.isUnavailable(new java.net.SocketException("Connection reset")));
    }

    @Test
    void otherFailuresAreNot() {
        assertFalse(PgErrors.isUnavailable(new NoStackTraceThrowable("some other failure")));
        assertFalse(PgErrors.isUnavailable(new PgException("duplicate key", "ERROR", "23505", null)));
        assertFalse(PgErrors.isUnavailable(new IllegalStateException("a bug")));
    }
}
