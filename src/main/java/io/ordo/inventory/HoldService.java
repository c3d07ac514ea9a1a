package io.ordo.inventory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.ordo.common.InvalidRequest;
import io.ordo.common.ResourceNotFound;
import io.ordo.common.idempotency.Claim;
import io.ordo.security.Caller;
import io.smallrye.mutiny.Uni;

/** Cart reservations: stock held for a while, released by the client, by expiry, or passed on to an order. */
@ApplicationScoped
public class HoldService {
    private final HoldRepository holds;
    private final HoldsConfig config;
    private final Clock clock;
    private final BackorderAnnouncer backorders;

    public HoldService(HoldRepository holds, HoldsConfig config, Clock clock, BackorderAnnouncer backorders) {
        this.holds = holds;
        this.config = config;
        this.clock = clock;
        this.backorders = backorders;
    }

    /**
     * Creates a hold under an idempotency claim: the hold gets the claim's resource id, and if a hold with that id
     * exists already (an earlier attempt of this request committed it, then its instance died before the key was
     * completed), the answer is that hold as it is now instead of a second reservation.
     */
    public Uni<HoldView> create(PlaceHold request, Caller caller, Claim claim) {
        String channel;
        try {
            channel = caller.channelForWrite(request.channel())
                    .orElseThrow(() -> new InvalidRequest("channel", "must not be null"));
        } catch (RuntimeException refused) {
            return Uni.createFrom().failure(refused);
        }
        Duration ttl = request.ttlSeconds() == null ? config.defaultTtl()
                : Duration.ofSeconds(request.ttlSeconds());
        UUID id = claim.idOrRandom();
        // to the microsecond, as PostgreSQL keeps it: the answer to the create is then the hold as GET (or a
        // recovered retry) shows it
        Instant expiresAt = Instant.now(clock).plus(ttl).truncatedTo(ChronoUnit.MICROS);
        return holds.create(id, channel, request.lines(), expiresAt, caller.subject()).chain(outcome -> {
            if (outcome instanceof HoldCreation.Exists) {
                return holds.findById(id).map(found -> found.orElseThrow(
                        () -> new IllegalStateException("hold " + id + " reported existing but not found")));
            }
            return Uni.createFrom().item(created(id, channel, request, expiresAt, outcome));
        });
    }

    private static HoldView created(UUID id, String channel, PlaceHold request, Instant expiresAt,
            HoldCreation outcome) {
        if (outcome instanceof HoldCreation.Accepted accepted) {
            return view(id, channel, request, expiresAt, accepted);
        }
        if (outcome instanceof HoldCreation.OutOfStock shortage) {
            throw new InsufficientStock(shortage.shortages());
        }
        if (outcome instanceof HoldCreation.UnknownChannel) {
            throw new InvalidRequest("channel", "no channel '" + channel + "' exists");
        }
        throw new IllegalStateException("unhandled hold outcome " + outcome);
    }

    public Uni<HoldView> get(UUID id, Caller caller) {
        return holds.findById(id).map(found -> found.filter(h -> caller.maySee(h.channel()))
                .orElseThrow(() -> new ResourceNotFound("Hold", id.toString())));
    }

    /** Releases an ACTIVE hold; releasing one that already gave its stock back is a no-op, a converted one a 409. */
    public Uni<Void> release(UUID id, Caller caller) {
        return holds.release(id, caller::maySee).<Void> map(previous -> {
            HoldStatus status = previous.orElseThrow(() -> new ResourceNotFound("Hold", id.toString()));
            if (status == HoldStatus.CONVERTED) {
                throw new HoldNotUsable("The hold became an order; cancel the order instead", status.name());
            }
            return null;
        }).invoke(backorders::kick);
    }

    private static HoldView view(UUID id, String channel, PlaceHold request, Instant expiresAt,
            HoldCreation.Accepted accepted) {
        List<HoldView.Line> lines = new ArrayList<>();
        for (int i = 0; i < request.lines().size(); i++) {
            PlaceHold.Line line = request.lines().get(i);
            HoldView.Line.Waiting waiting = accepted.waiting().getOrDefault(i + 1, HoldView.Line.Waiting.NONE);
            lines.add(new HoldView.Line(line.sku(), line.quantity(),
                    accepted.allocations().getOrDefault(i + 1, List.of()), waiting.backordered(),
                    waiting.expectedAt()));
        }
        return new HoldView(id, channel, HoldStatus.ACTIVE, expiresAt, accepted.createdAt(), null, lines);
    }
}
