package io.ordo.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The order version out of an If-Match header, and the ETag it is compared with. */
class IfMatchTest {

    @Test
    void noHeaderABlankOneOrAStarIsNoPrecondition() {
        assertNull(IfMatch.expectedVersion(null));
        assertNull(IfMatch.expectedVersion(""));
        assertNull(IfMatch.expectedVersion("   "));
        assertNull(IfMatch.expectedVersion("*"));
        assertNull(IfMatch.expectedVersion(" * "));
    }

    @Test
    void aStrongAWeakOrABareTagNamesAVersion() {
        assertEquals(3, IfMatch.expectedVersion("\"3\""));
        assertEquals(3, IfMatch.expectedVersion("W/\"3\""));
        assertEquals(3, IfMatch.expectedVersion("3"));
        assertEquals(12, IfMatch.expectedVersion("  \"12\"  "));
    }

    @Test
    void aTagThatIsNoVersionOfOursMatchesNothing() {
        assertEquals(-1, IfMatch.expectedVersion("\"abc\""));
        assertEquals(-1, IfMatch.expectedVersion("\"3\", \"4\""));
        assertEquals(-1, IfMatch.expectedVersion("\"\""));
        assertEquals(-1, IfMatch.expectedVersion("\"99999999999\""));
    }

    @Test
    void theEtagOfAVersionIsReadBackAsThatVersion() {
        assertEquals("\"5\"", IfMatch.etag(5));
        for (int version : new int[] {1, 2, 41, Integer.MAX_VALUE}) {
            assertEquals(version, IfMatch.expectedVersion(IfMatch.etag(version)));
        }
    }
}
