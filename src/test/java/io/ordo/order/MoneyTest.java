package io.ordo.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** Money as the API writes it: a decimal string, with no more decimals than the currency has minor units. */
class MoneyTest {
    private static final Currency EUR = Currency.getInstance("EUR");
    private static final Currency JPY = Currency.getInstance("JPY");
    private static final Currency KWD = Currency.getInstance("KWD");

    @Test
    void anIso4217CodeIsACurrencyAndAnythingElseIsNot() {
        assertEquals(EUR, Money.currency("EUR"));
        assertNull(Money.currency("EURO"));
        assertNull(Money.currency("eur"));
        assertNull(Money.currency(""));
        assertNull(Money.currency(null));
    }

    @Test
    void anAmountFitsWhenItHasNoMoreDecimalsThanTheCurrencysMinorUnits() {
        assertTrue(Money.fitsMinorUnits(new BigDecimal("19.90"), EUR));
        assertTrue(Money.fitsMinorUnits(new BigDecimal("19.9"), EUR));
        assertTrue(Money.fitsMinorUnits(new BigDecimal("19.9000"), EUR), "trailing zeros are not decimals");
        assertFalse(Money.fitsMinorUnits(new BigDecimal("19.901"), EUR));
        assertTrue(Money.fitsMinorUnits(new BigDecimal("1500"), JPY));
        assertTrue(Money.fitsMinorUnits(new BigDecimal("1500.00"), JPY));
        assertFalse(Money.fitsMinorUnits(new BigDecimal("1500.5"), JPY));
        assertTrue(Money.fitsMinorUnits(new BigDecimal("1.234"), KWD));
        assertFalse(Money.fitsMinorUnits(new BigDecimal("1.2345"), KWD));
    }

    @Test
    void anAmountIsWrittenWithExactlyTheCurrencysMinorUnits() {
        assertEquals("19.90", Money.format(new BigDecimal("19.9"), "EUR"));
        assertEquals("0.00", Money.format(BigDecimal.ZERO, "EUR"));
        assertEquals("1500", Money.format(new BigDecimal("1500.00"), "JPY"));
        assertEquals("1.200", Money.format(new BigDecimal("1.2"), "KWD"));
        assertEquals("7.50", Money.format(new BigDecimal("7.5"), "???"), "two decimals for a code that is no currency");
        assertThrows(ArithmeticException.class, () -> Money.format(new BigDecimal("1.5"), "JPY"),
                "never rounded: an amount that does not fit is refused before it is written");
    }

    @Test
    void theJsonFormIsAPlainDecimalStringOfAtMostTwelveIntegerDigitsAndFourDecimals() {
        Pattern money = Pattern.compile(Money.PATTERN);
        for (String good : new String[] {"0", "19.90", "19.9", "0.5", "999999999999", "1.2345"}) {
            assertTrue(money.matcher(good).matches(), good);
        }
        for (String bad : new String[] {"", "019", "-1", "+1", "1e3", "1.", ".5", "1.23456", "1000000000000", "1,5",
                " 1"}) {
            assertFalse(money.matcher(bad).matches(), bad);
        }
    }
}
