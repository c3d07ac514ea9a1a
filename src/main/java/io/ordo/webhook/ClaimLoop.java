package io.ordo.webhook;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Brings claimed deliveries to one worker's {@link DeliveryCapacity}: the fan-out's claims (first attempts, claimed
 * in the fan-out statement with room the fan-out reserved) and the poll's. A poll claims up to {@code batchSize} due
 * deliveries, none for a congested endpoint, and only while the local queue for open endpoints is shorter than that
 * (the fan-out's claims are cheaper and go first); one poll at a time, and while polls come back full it claims again
 * as soon as there is room, without waiting for the next tick. Claims that could not start in time are given back.
 */
final class ClaimLoop {
    private static final Logger LOG = Logger.getLogger(ClaimLoop.class);

    private final DeliveryStore store;
    private final DeliveryCapacity capacity;
    private final MeterRegistry registry;
    private final int batchSize;
    private final Duration lease;
    /** How long after its claim an attempt may still start and end within the lease. */
    private final Duration startWithin;
    /** Called after claims were queued: sends what the free slots allow. */
    private final Runnable sendReady;
    private final AtomicBoolean claiming = new AtomicBoolean();
    private final AtomicBoolean backlog = new AtomicBoolean();

    ClaimLoop(DeliveryStore store, DeliveryCapacity capacity, MeterRegistry registry, int batchSize, Duration lease,
            Duration startWithin, Runnable sendReady) {
        this.store = store;
        this.capacity = capacity;
        this.registry = registry;
        this.batchSize = batchSize;
        this.lease = lease;
        this.startWithin = startWithin;
        this.sendReady = sendReady;
    }

    /** How long a claim lasts. */
    Duration lease() {
        return lease;
    }

    /**
     * Queues deliveries claimed with room taken by {@link DeliveryCapacity#reserve} (the room not used is given back)
     * and sends what the free slots allow. {@code source} (fan-out or poll) tags the claims metric.
     */
    void dispatch(List<DueDelivery> claimed, int reservedForClaim, String source) {
        dispatch(claimed, reservedForClaim, source, System.nanoTime() + startWithin.toNanos());
    }

    /** As above, with the {@link System#nanoTime()} by which each attempt must have started (tests). */
    void dispatch(List<DueDelivery> claimed, int reservedForClaim, String source, long startBy) {
        capacity.queue(claimed, reservedForClaim, startBy);
        if (!claimed.isEmpty()) {
            registry.counter("ordo.webhooks.claims", "source", source).increment(claimed.size());
        }
        sendReady.run();
    }

    /** Claims due deliveries, if there is room and no poll is under way. */
    void poll() {
        // the poll keeps the local queue short (deliveries claimed at fan-out are cheaper, and go first), and claims
        // nothing for a congested endpoint
        if (capacity.stopped() || capacity.queuedForOpenEndpoints() >= batchSize
                || !claiming.compareAndSet(false, true)) {
            return;
        }
        int wanted = capacity.reserve(batchSize);
        if (wanted <= 0) {
            claiming.set(false);
            return;
        }
        store.claimDueDeliveries(wanted, lease, capacity.congested()).subscribe().with(claimed -> {
            backlog.set(claimed.size() == wanted);
            claiming.set(false);
            dispatch(claimed, wanted, "poll");
            if (backlog.get()) {
                poll();
            }
        }, failure -> {
            dispatch(List.of(), wanted, "poll");
            claiming.set(false);
            LOG.warnf("webhook claim failed: %s; the next poll tries again", failure.toString());
        });
    }

    /** Room was freed (outcomes written): when the last poll came back full, claim again at once. */
    void roomFreed() {
        if (backlog.get()) {
            poll();
        }
    }

    /**
     * Gives back claims that could not start early enough to end within their lease (due again at once, the attempt
     * not counted) rather than sending them late, so that no attempt overlaps a later claim; if giving back fails,
     * they come back when their lease is over.
     */
    void giveBack(List<DueDelivery> lapsed) {
        registry.counter("ordo.webhooks.claims.lapsed").increment(lapsed.size());
        store.release(lapsed).subscribe().with(released -> {
        }, failure -> LOG.debugf("could not give back %d webhook claims: %s", lapsed.size(), failure.toString()));
    }
}
