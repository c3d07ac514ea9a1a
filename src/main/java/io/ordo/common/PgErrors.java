package io.ordo.common;

import io.vertx.pgclient.PgException;

/** Recognises PostgreSQL error codes anywhere in a failure's cause chain (Hibernate wraps them). */
public final class PgErrors {
    public static final String UNIQUE_VIOLATION = "23505";
    public static final String FOREIGN_KEY_VIOLATION = "23503";

    private PgErrors() {
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
