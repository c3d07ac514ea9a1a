package io.ordo.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.quarkus.security.ForbiddenException;

/** The channel a write acts for. */
class CallerTest {
    private final Caller shop = new Caller("shop-1", false, false, Optional.of("web-eu"));
    private final Caller admin = new Caller("admin-1", true, false, Optional.empty());

    @Test
    void aChannelTokenActsForItsOwnChannelNamedOrNot() {
        assertEquals(Optional.of("web-eu"), shop.channelForWrite(null));
        assertEquals(Optional.of("web-eu"), shop.channelForWrite("web-eu"));
    }

    @Test
    void aChannelTokenNamingAnotherChannelIsRefusedAsForbidden() {
        ForbiddenException refused = assertThrows(ChannelNotAllowed.class, () -> shop.channelForWrite("web-us"));
        assertEquals("This token acts for channel 'web-eu', not 'web-us'", refused.getMessage());
    }

    @Test
    void anAdminActsForTheChannelItNamesIfAny() {
        assertEquals(Optional.of("web-us"), admin.channelForWrite("web-us"));
        assertEquals(Optional.empty(), admin.channelForWrite(null));
    }
}
