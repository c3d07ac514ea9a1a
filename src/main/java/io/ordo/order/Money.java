package io.ordo.order;

import java.math.BigDecimal;
import java.util.Currency;

/**
 * Money is a decimal string in JSON and a BigDecimal with the currency's minor units inside. This class is the one
 * source of a currency's minor units ({@link #minorUnits}, from {@link Currency}): the service validates amounts with
 * them, and hands them to the database with each order ({@code currencyDigits}, kept as {@code orders.currency_digits}),
 * where the order document and the return JSON round money with them. Java decides rather than a table in SQL
 * because the service validates a request before any round trip (no read on the intake path for it).
 */
public final class Money {
    public static final String PATTERN = "^(0|[1-9][0-9]{0,11})(\\.[0-9]{1,4})?$";
    public static final String MESSAGE = "must be a decimal string such as \"19.90\"";
    /** The largest amount the money columns ({@code numeric(18, 4)}: 14 integer digits) can store. */
    public static final BigDecimal MAX_STORED = new BigDecimal("99999999999999.9999");

    private Money() {
    }

    /** The currency for an ISO 4217 code, or null when the code is not one. */
    public static Currency currency(String code) {
        try {
            return code == null ? null : Currency.getInstance(code);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Whether {@code amount} has no more decimals than the currency allows (JPY 0, EUR 2, KWD 3). */
    public static boolean fitsMinorUnits(BigDecimal amount, Currency currency) {
        return amount.stripTrailingZeros().scale() <= minorUnits(currency);
    }

    /** The decimals of the currency's minor unit (JPY 0, EUR 2, KWD 3); 0 for codes without one (XAU). */
    public static int minorUnits(Currency currency) {
        return Math.max(currency.getDefaultFractionDigits(), 0);
    }

    /** Whether {@code amount} fits a money column; a larger one would overflow in PostgreSQL. */
    public static boolean storable(BigDecimal amount) {
        return amount.abs().compareTo(MAX_STORED) <= 0;
    }

    public static String format(BigDecimal amount, String currencyCode) {
        Currency currency = currency(currencyCode);
        int digits = currency == null ? 2 : minorUnits(currency);
        return amount.setScale(digits, java.math.RoundingMode.UNNECESSARY).toPlainString();
    }
}
