package io.ordo.catalog;

/** The shape of the public codes of channels and locations (also used in URLs and token claims). */
public final class Codes {
    public static final String PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$";
    public static final String MESSAGE = "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit";

    private Codes() {
    }
}
