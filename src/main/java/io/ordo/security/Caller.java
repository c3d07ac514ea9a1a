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

    /**
     * What, besides the subject, an Idempotency-Key belongs to: {@code channel:<code>} for a channel caller, else its
     * roles ({@code admin}, {@code fulfillment}, {@code admin+fulfillment}). Two channel tokens that share a subject
     * never share keys.
     */
    public String idempotencyScope() {
        if (channel.isPresent()) {
            return "channel:" + channel.get();
        }
        if (admin) {
            return fulfillment ? "admin+fulfillment" : "admin";
        }
        return fulfillment ? "fulfillment" : "none";
    }

    /** True when this caller sees every channel's data. */
    public boolean seesAllChannels() {
        return admin || fulfillment;
    }

    /** Whether data of {@code channelCode} is visible to this caller. */
    public boolean maySee(String channelCode) {
        return seesAllChannels() || channel.map(channelCode::equals).orElse(false);
    }

    /**
     * The channel a write acts for: a channel token's own (a different {@code requested} one is refused), otherwise
     * the one the caller names, if any (a write that needs a channel refuses its absence itself).
     */
    public Optional<String> channelForWrite(String requested) {
        if (channel.isPresent() && requested != null && !requested.equals(channel.get())) {
            throw new ChannelNotAllowed(channel.get(), requested);
        }
        return channel.isPresent() ? channel : Optional.ofNullable(requested);
    }
}
