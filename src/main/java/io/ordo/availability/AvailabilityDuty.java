package io.ordo.availability;

import jakarta.enterprise.context.ApplicationScoped;

import io.ordo.common.duty.BackgroundDuty;
import io.smallrye.mutiny.Uni;

/**
 * The availability feed's flush, for the external tick: announces the SKUs whose figures changed, up to a minute's
 * budget of {@code ordo.availability.max-per-second} (ticks come about once a minute).
 */
@ApplicationScoped
class AvailabilityDuty implements BackgroundDuty {
    private final AvailabilityFlusher flusher;

    AvailabilityDuty(AvailabilityFlusher flusher) {
        this.flusher = flusher;
    }

    @Override
    public String name() {
        return "availability-feed";
    }

    @Override
    public int stage() {
        return 30;
    }

    @Override
    public Uni<Integer> runDue(long deadlineNanos) {
        return flusher.flushForTick(deadlineNanos);
    }
}
