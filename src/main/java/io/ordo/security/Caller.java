package io.ordo.security;

import java.util.Optional;

/**
 * Who is calling: the token subject and, for a channel token, the one channel it may act for.
 *
 * @param subject the token's subject (used to scope idempotency keys and to sign ledger entries)
 * @param admin whether the caller holds {@link Roles#ADMIN}
 * @param fulfillment whether the caller holds {@link Roles#FULFILLMENT}
 * @param channel the {@code ordo_channel} claim, present only for channel-role callers
 */
public record Caller(String subject, boolean admin, boolean fulfillment, Optional<String> channel) {

    /** True when this caller sees every channel's data. */
    public boolean seesAllChannels() {
        return admin || fulfillment;
    }

    /** Whether data of {@code channelCode} is visible to this caller. */
    public boolean maySee(String channelCode) {
        return seesAllChannels() || channel.map(channelCode::equals).orElse(false);
    }
}
