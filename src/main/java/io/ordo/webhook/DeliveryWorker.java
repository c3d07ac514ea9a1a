package io.ordo.webhook;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Sends webhook deliveries, on every instance where {@code ordo.webhooks.workers-enabled}; it starts and stops the
 * loop and sends, the rest is three parts of one job each. Most first attempts arrive already claimed from
 * {@link WebhookFanout}, the rest (retries, events waiting behind an earlier one of the same order, overflow, claims
 * of a crashed instance whose lease ran out) are polled, both through the {@link ClaimLoop}. Claimed deliveries wait
 * in the {@link DeliveryCapacity} for one of the {@code max-in-flight} sending slots, endpoints taking turns, at most
 * {@link DeliveryCapacity#MAX_HELD} held per instance. One that could not start early enough to end within its lease
 * is not sent but given back (due again at once, the attempt not counted), so no attempt ever overlaps a later claim
 * of the same delivery. The {@link OutcomeWriter} writes the outcomes back in batches.
 */
@ApplicationScoped
public class DeliveryWorker {
    private static final Logger LOG = Logger.getLogger(DeliveryWorker.class);
    /** Time an attempt may need beyond the timeout (writing its outcome, clock differences) within its lease. */
    private static final Duration LEASE_MARGIN = Duration.ofSeconds(5);

    /** Settings of one worker. */
    public record Settings(boolean enabled, Duration pollInterval, int batchSize, int maxInFlight,
            int maxInFlightPerEndpoint, Duration timeout, List<Duration> retrySchedule, Duration disableAfter,
            Duration retention) {

        static Settings of(WebhooksConfig config) {
            return new Settings(config.workersEnabled(), config.pollInterval(), config.batchSize(),
                    config.maxInFlight(), config.maxInFlightPerEndpoint(), config.timeout(), config.retrySchedule(),
                    config.disableAfter(), config.deliveryRetention());
        }

        /** A claim outlives any attempt: the timeout plus a margin for writing the outcome. */
        Duration lease() {
            return timeout.plusSeconds(30);
        }

        /** How long after its claim an attempt may still start and end within the lease. */
        Duration startWithin() {
            return lease().minus(timeout).minus(LEASE_MARGIN);
        }
    }

    private final DeliveryStore store;
    private final Vertx vertx;
    private final Settings settings;
    private final DeliverySender sender;
    private final DeliveryCapacity capacity;
    private final ClaimLoop claims;
    private final OutcomeWriter writer;
    private final DueDeliveryRound tickRound;
    private final AtomicLong queueDepth = new AtomicLong();
    private long pollTimer = -1;
    private long housekeepingTimer = -1;

    @Inject
    public DeliveryWorker(DeliveryStore store, Vertx vertx, WebhookUrlGuard guard, MeterRegistry registry,
            WebhooksConfig config, Clock clock) {
        this(store, vertx, guard, registry, Settings.of(config), clock);
    }

    /** A worker with explicit settings (another instance's worker, in tests). */
    public DeliveryWorker(DeliveryStore store, Vertx vertx, WebhookUrlGuard guard, MeterRegistry registry,
            Settings settings, Clock clock) {
        this.store = store;
        this.vertx = vertx;
        this.settings = settings;
        this.sender = new DeliverySender(vertx, guard,
                new RetryPolicy(settings.retrySchedule(), new Random()), settings.timeout(),
                settings.maxInFlight(), clock);
        this.capacity = new DeliveryCapacity(settings.enabled(), settings.maxInFlight(),
                settings.maxInFlightPerEndpoint());
        this.claims = new ClaimLoop(store, capacity, registry, settings.batchSize(), settings.lease(),
                settings.startWithin(), this::sendReady);
        this.writer = new OutcomeWriter(store, registry, settings.disableAfter(), written -> {
            capacity.written(written);
            claims.roomFreed();
        });
        this.tickRound = new DueDeliveryRound(store, sender, writer, settings.batchSize(),
                settings.maxInFlightPerEndpoint(), settings.lease(), settings.startWithin());
        registry.gauge("ordo.webhooks.queue.depth", queueDepth);
        registry.gauge("ordo.webhooks.in.flight", this, DeliveryWorker::inFlight);
    }

    void onStart(@Observes StartupEvent event) {
        if (!settings.enabled()) {
            LOG.info("webhook delivery worker disabled on this instance (ordo.webhooks.workers-enabled=false)");
            return;
        }
        start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /** Starts polling (again); a second call while started does nothing. */
    public synchronized void start() {
        if (pollTimer >= 0) {
            return;
        }
        capacity.resume();
        pollTimer = vertx.setPeriodic(settings.pollInterval().toMillis(), id -> claims.poll());
        housekeepingTimer = vertx.setPeriodic(5_000, id -> housekeeping());
    }

    /** Stops claiming; attempts on the wire still finish and are written. */
    public synchronized void stop() {
        capacity.stop();
        if (pollTimer >= 0) {
            vertx.cancelTimer(pollTimer);
            pollTimer = -1;
        }
        if (housekeepingTimer >= 0) {
            vertx.cancelTimer(housekeepingTimer);
            housekeepingTimer = -1;
        }
    }

    /**
     * Takes room for up to {@code wanted} deliveries (0 when stopped or disabled); give back what was not used with
     * {@link #dispatch}.
     */
    int reserve(int wanted) {
        return capacity.reserve(wanted);
    }

    /** How long a claim of this worker lasts. */
    Duration lease() {
        return claims.lease();
    }

    /** How many more deliveries the fan-out may claim per endpoint. */
    SendQueue.Rooms endpointRooms() {
        return capacity.endpointRooms();
    }

    /** Hands over deliveries claimed with room taken by {@link #reserve}; see {@link ClaimLoop#dispatch}. */
    void dispatch(List<DueDelivery> claimed, int reservedForClaim, String source) {
        claims.dispatch(claimed, reservedForClaim, source);
    }

    /** As above, with the {@link System#nanoTime()} by which each attempt must have started (tests). */
    void dispatch(List<DueDelivery> claimed, int reservedForClaim, String source, long startBy) {
        claims.dispatch(claimed, reservedForClaim, source, startBy);
    }

    /** Starts queued deliveries while sending slots are free; gives back those that can no longer start in time. */
    private void sendReady() {
        List<DueDelivery> lapsed = new ArrayList<>();
        for (DueDelivery delivery : capacity.takeReady(System.nanoTime(), lapsed)) {
            sender.attempt(delivery).subscribe().with(this::answered);
        }
        if (!lapsed.isEmpty()) {
            claims.giveBack(lapsed);
        }
    }

    private void answered(Attempt attempt) {
        capacity.answered(attempt.subscriptionId());
        writer.add(attempt);
        sendReady();
    }

    private void housekeeping() {
        store.pendingCount().invoke(queueDepth::set)
                .chain(this::purgeFinished)
                .subscribe().with(done -> {
                }, failure -> LOG.debugf("webhook housekeeping failed: %s", failure.toString()));
    }

    /**
     * One round of the deliveries due now, for an external tick (see {@link DueDeliveryRound}): runs whether or not
     * this instance's worker is enabled, claims no batch after {@code deadlineNanos}, and ends when the outcomes are
     * written; the number of attempts made.
     */
    public Uni<Integer> deliverDue(long deadlineNanos) {
        return tickRound.run(deadlineNanos);
    }

    /** Deletes finished deliveries older than the retention (a slice per call); how many. */
    public Uni<Integer> purgeFinished() {
        return store.purgeFinished(settings.retention());
    }

    /** Deliveries claimed and not yet written back (for tests and metrics). */
    public int inFlight() {
        return capacity.held();
    }
}
