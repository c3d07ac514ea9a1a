package io.ordo.security;

import io.quarkus.security.ForbiddenException;

/**
 * A channel token acting for another channel: a 403 like every other refusal of the token (it is a Quarkus
 * {@link ForbiddenException}, so the problem mapper needs to know nothing of this package).
 */
public final class ChannelNotAllowed extends ForbiddenException {

    public ChannelNotAllowed(String tokenChannel, String requested) {
        super("This token acts for channel '" + tokenChannel + "', not '" + requested + "'");
    }
}
