package io.ordo.webhook;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How much one worker may take on: at most {@link #MAX_HELD} deliveries held (room reserved for a claim under way,
 * queued, on the wire, or answered and not yet written) and {@code maxInFlight} on the wire, the queued ones waiting
 * in a {@link SendQueue} where endpoints take turns and none gets more than its share of the slots. No room while
 * the worker is stopped or disabled. Knows nothing of the database or HTTP; thread-safe.
 */
final class DeliveryCapacity {
    /** Four write batches' worth: the local queue stays short, the database keeps the rest. */
    static final int MAX_HELD = 4 * OutcomeWriter.MAX_BATCH;

    private final boolean enabled;
    private final int maxInFlight;
    /** Claimed deliveries waiting for a sending slot. */
    private final SendQueue waiting;
    /** Room taken by {@link #reserve} for a claim under way. */
    private final AtomicInteger reserved = new AtomicInteger();
    /** Sent and not yet answered (or timed out). */
    private final AtomicInteger onWire = new AtomicInteger();
    /** Answered, outcome not yet written. */
    private final AtomicInteger unrecorded = new AtomicInteger();
    private volatile boolean stopped;

    DeliveryCapacity(boolean enabled, int maxInFlight, int maxInFlightPerEndpoint) {
        this.enabled = enabled;
        this.maxInFlight = maxInFlight;
        this.waiting = new SendQueue(maxInFlightPerEndpoint);
    }

    /** Takes room for up to {@code wanted} deliveries (0 when stopped or disabled); see {@link #queue}. */
    synchronized int reserve(int wanted) {
        if (stopped || !enabled) {
            return 0;
        }
        int taken = Math.max(0, Math.min(wanted, MAX_HELD - held()));
        reserved.addAndGet(taken);
        return taken;
    }

    /**
     * Queues deliveries claimed with room taken by {@link #reserve} and gives back that room (what they use is
     * counted as queued now); {@code startBy} is the {@link System#nanoTime()} by which each must have started.
     */
    void queue(List<DueDelivery> claimed, int reservedForClaim, long startBy) {
        for (DueDelivery delivery : claimed) {
            waiting.add(delivery, startBy);
        }
        reserved.addAndGet(-reservedForClaim);
    }

    /**
     * Takes the queued deliveries the free sending slots allow, endpoints in turn, and counts them on the wire; those
     * whose start-by time has passed go to {@code lapsed} instead (no longer held).
     */
    synchronized List<DueDelivery> takeReady(long now, List<DueDelivery> lapsed) {
        List<DueDelivery> send = waiting.take(maxInFlight - onWire.get(), now, lapsed);
        onWire.addAndGet(send.size());
        return send;
    }

    /** An attempt to {@code subscription} was answered (or timed out): its slot is free, its outcome to be written. */
    void answered(UUID subscription) {
        unrecorded.incrementAndGet(); // before it leaves the wire, so that it is never counted nowhere
        synchronized (this) {
            onWire.decrementAndGet();
            waiting.sent(subscription);
        }
    }

    /** {@code count} outcomes were written (or could not be): no longer held. */
    void written(int count) {
        unrecorded.addAndGet(-count);
    }

    /** Deliveries held: reserved for a claim, queued, on the wire or not yet written back. */
    int held() {
        return reserved.get() + waiting.queued() + onWire.get() + unrecorded.get();
    }

    /** Deliveries waiting for endpoints that are not congested. */
    int queuedForOpenEndpoints() {
        return waiting.queuedForOpenEndpoints();
    }

    /** Endpoints to claim nothing for now. */
    List<UUID> congested() {
        return waiting.congested();
    }

    /** How many more deliveries may be claimed per endpoint. */
    SendQueue.Rooms endpointRooms() {
        return waiting.rooms();
    }

    /** No room from now on (what is held still goes out and is written). */
    void stop() {
        stopped = true;
    }

    /** Room again after {@link #stop}. */
    void resume() {
        stopped = false;
    }

    boolean stopped() {
        return stopped;
    }
}
