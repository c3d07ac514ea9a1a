package io.ordo.common;

import io.vertx.pgclient.PgException;

/** Recognises PostgreSQL error codes anywhere in a failure's cause chain (Hibernate wraps them). */
public final class PgErrors {
    public static final String UNIQUE_VIOLATION = "23505";
    public static final String FOREIGN_KEY_VIOLATION = "23503";

    private PgErrors() {
    }

    /**
     * True when the failure says the database cannot be reached or is going away (the request itself may be fine):
     * refused or timed-out connects, a connection closed or reset under a query, and PostgreSQL's own "come back later" codes
     * (class 08 connection exception, 57P01-57P03 shutdown / starting up, 53300 too many connections).
     */
    public static boolean isUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg && pg.getSqlState() != null && isUnavailableState(pg.getSqlState())) {
                return true;
            }
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null && isUnavailableState(sql.getSQLState())) {
                return true;
            }
            // SocketException: the connection reset under a query (PostgreSQL's fast shutdown, seen in the restart
            // drill); ConnectException and NoRouteToHostException are SocketExceptions too
            if (t instanceof java.net.SocketException
                    || t instanceof java.net.UnknownHostException
                    || t instanceof io.netty.channel.ConnectTimeoutException
                    || t instanceof io.vertx.sqlclient.ClosedConnectionException
                    || t instanceof io.vertx.core.http.ConnectionPoolTooBusyException) {
                return true;
            }
            if (isClosedConnectionCommand(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The reactive client's answer to a statement sent on a connection that the server closed between two statements
     * of one transaction (seen in the PostgreSQL-restart drill): a bare {@code NoStackTraceThrowable}, recognisable
     * only by its message ({@code SocketConnectionBase}: "Connection is not active now, current status: CLOSED").
     */
    private static boolean isClosedConnectionCommand(Throwable t) {
        return t instanceof io.vertx.core.impl.NoStackTraceThrowable && t.getMessage() != null
                && t.getMessage().startsWith(CONNECTION_NOT_ACTIVE);
    }

    static final String CONNECTION_NOT_ACTIVE = "Connection is not active now";

    private static boolean isUnavailableState(String sqlState) {
        return sqlState.startsWith("08") || sqlState.equals("57P01") || sqlState.equals("57P02")
                || sqlState.equals("57P03") || sqlState.equals("53300");
    }

    public static boolean isUniqueViolation(Throwable failure) {
        return hasSqlState(failure, UNIQUE_VIOLATION);
    }

    public static boolean isForeignKeyViolation(Throwable failure) {
        return hasSqlState(failure, FOREIGN_KEY_VIOLATION);
    }

    /**
     * A value PostgreSQL cannot take (class 22: a NUL character or a lone surrogate in text, a number out of range
     * of its column...): the request's mistake, which no retry can mend.
     */
    public static boolean isDataException(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg && pg.getSqlState() != null && pg.getSqlState().startsWith("22")) {
                return true;
            }
        }
        return false;
    }

    public static boolean hasSqlState(Throwable failure, String sqlState) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg && sqlState.equals(pg.getSqlState())) {
                return true;
            }
            if (t instanceof java.sql.SQLException sql && sqlState.equals(sql.getSQLState())) {
                return true;
            }
            if (t instanceof org.hibernate.exception.ConstraintViolationException cve
                    && sqlState.equals(cve.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
