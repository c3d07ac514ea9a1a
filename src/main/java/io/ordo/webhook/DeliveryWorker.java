package io.ordo.webhook;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;

/**
 * Sends webhook deliveries, on every instance where {@code ordo.webhooks.workers-enabled}. Most first attempts
 * arrive already claimed from {@link WebhookFanout}; the rest (retries, events waiting behind an earlier one of the
 * same order, overflow, claims of a crashed instance whose lease ran out) are polled: each poll claims up to
 * {@code batch-size} due deliveries, and while claims come back full it claims again as soon as there is room,
 * without waiting for the next poll. Claimed deliveries wait in a {@link SendQueue} for one of the
 * {@code max-in-flight} sending slots, endpoints taking turns; at most {@link #MAX_HELD} are held (claimed, queued,
 * on the wire or awaiting their write) per instance. One that could not start early enough to end within its lease
 * is not sent but given back (due again at once, the attempt not counted), so no attempt ever overlaps a later claim
 * of the same delivery. Outcomes are written in batches (one is written as soon as no other write is running, so a
 * busy worker writes many per round trip).
 */
@ApplicationScoped
public class DeliveryWorker {
    private static final Logger LOG = Logger.getLogger(DeliveryWorker.class);
    private static final int MAX_RECORD_BATCH = 500;
    static final int MAX_HELD = 4 * MAX_RECORD_BATCH;
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
    }

    private final DeliveryStore store;
    private final Vertx vertx;
    private final Settings settings;
    private final DeliverySender sender;
    private final MeterRegistry registry;
    /** Room taken by {@link #reserve} for a claim under way. */
    private final AtomicInteger reserved = new AtomicInteger();
    /** Claimed deliveries waiting for a sending slot. */
    private final SendQueue waiting;
    /** Sent and not yet answered (or timed out). */
    private final AtomicInteger onWire = new AtomicInteger();
    /** Answered, outcome not yet written. */
    private final AtomicInteger unrecorded = new AtomicInteger();
    private final AtomicBoolean claiming = new AtomicBoolean();
    private final AtomicBoolean recording = new AtomicBoolean();
    private final AtomicBoolean backlog = new AtomicBoolean();
    private final AtomicLong queueDepth = new AtomicLong();
    private final Queue<Attempt> outcomes = new ConcurrentLinkedQueue<>();
    private final Counter delivered;
    private final Counter failed;
    private final Timer latency;
    private volatile boolean stopped;
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
        this.registry = registry;
        this.waiting = new SendQueue(settings.maxInFlightPerEndpoint());
        this.sender = new DeliverySender(vertx, guard,
                new RetryPolicy(settings.retrySchedule(), new Random()), settings.timeout(),
                settings.maxInFlight(), clock);
        this.delivered = Counter.builder("ordo.webhooks.deliveries").tag("outcome", "delivered")
                .description("Deliveries finished, by outcome").register(registry);
        this.failed = Counter.builder("ordo.webhooks.deliveries").tag("outcome", "failed")
                .description("Deliveries finished, by outcome").register(registry);
        this.latency = Timer.builder("ordo.webhooks.delivery.latency")
                .description("From the event's commit to the endpoint's 2xx").publishPercentileHistogram()
                .register(registry);
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
        stopped = false;
        pollTimer = vertx.setPeriodic(settings.pollInterval().toMillis(), id -> pump());
        housekeepingTimer = vertx.setPeriodic(5_000, id -> housekeeping());
    }

    /** Stops claiming; attempts on the wire still finish and are written. */
    public synchronized void stop() {
        stopped = true;
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
    synchronized int reserve(int wanted) {
        if (stopped || !settings.enabled()) {
            return 0;
        }
        int held = reserved.get() + waiting.queued() + onWire.get() + unrecorded.get();
        int taken = Math.max(0, Math.min(wanted, MAX_HELD - held));
        reserved.addAndGet(taken);
        return taken;
    }

    /** How long a claim of this worker lasts. */
    Duration lease() {
        return settings.lease();
    }

    /** How many more deliveries the fan-out may claim per endpoint. */
    SendQueue.Rooms endpointRooms() {
        return waiting.rooms();
    }

    /**
     * Queues deliveries claimed with room taken by {@link #reserve} (the room not used is given back) and sends what
     * the free slots allow. {@code source} (fan-out or poll) tags the claims metric.
     */
    void dispatch(List<DueDelivery> claimed, int reservedForClaim, String source) {
        dispatch(claimed, reservedForClaim, source,
                System.nanoTime() + settings.lease().minus(settings.timeout()).minus(LEASE_MARGIN).toNanos());
    }

    /** As above, with the {@link System#nanoTime()} by which each attempt must have started (tests). */
    void dispatch(List<DueDelivery> claimed, int reservedForClaim, String source, long startBy) {
        for (DueDelivery delivery : claimed) {
            waiting.add(delivery, startBy);
        }
        reserved.addAndGet(-reservedForClaim);
        if (!claimed.isEmpty()) {
            registry.counter("ordo.webhooks.claims", "source", source).increment(claimed.size());
        }
        sendReady();
    }

    /** Starts queued deliveries while sending slots are free. */
    private void sendReady() {
        List<DueDelivery> lapsed = new ArrayList<>();
        List<DueDelivery> send;
        synchronized (this) {
            send = waiting.take(settings.maxInFlight() - onWire.get(), System.nanoTime(), lapsed);
            onWire.addAndGet(send.size());
        }
        for (DueDelivery delivery : send) {
            sender.attempt(delivery).subscribe().with(this::finished);
        }
        if (!lapsed.isEmpty()) {
            // could not start in time: given back (due now, attempt not counted) rather than sent late, so no attempt
            // overlaps a later claim; if giving back fails, they come back when their lease is over
            registry.counter("ordo.webhooks.claims.lapsed").increment(lapsed.size());
            store.release(lapsed).subscribe().with(released -> {
            }, failure -> LOG.debugf("could not give back %d webhook claims: %s", lapsed.size(), failure.toString()));
        }
    }

    private void pump() {
        // the poll keeps the local queue short (deliveries claimed at fan-out are cheaper, and go first), and claims
        // nothing for a congested endpoint
        if (stopped || waiting.queuedForOpenEndpoints() >= settings.batchSize()
                || !claiming.compareAndSet(false, true)) {
            return;
        }
        int wanted = reserve(settings.batchSize());
        if (wanted <= 0) {
            claiming.set(false);
            return;
        }
        store.claimDueDeliveries(wanted, settings.lease(), waiting.congested()).subscribe().with(claimed -> {
            backlog.set(claimed.size() == wanted);
            claiming.set(false);
            dispatch(claimed, wanted, "poll");
            if (backlog.get()) {
                pump();
            }
        }, failure -> {
            dispatch(List.of(), wanted, "poll");
            claiming.set(false);
            LOG.warnf("webhook claim failed: %s; the next poll tries again", failure.toString());
        });
    }

    private void finished(Attempt attempt) {
        registry.counter("ordo.webhooks.attempts", "outcome", attempt.kind()).increment();
        unrecorded.incrementAndGet();
        synchronized (this) {
            onWire.decrementAndGet();
            waiting.sent(attempt.subscriptionId());
        }
        outcomes.add(attempt);
        writeOutcomes();
        sendReady();
    }

    private void writeOutcomes() {
        if (!recording.compareAndSet(false, true)) {
            return;
        }
        List<Attempt> batch = new ArrayList<>();
        for (Attempt next; batch.size() < MAX_RECORD_BATCH && (next = outcomes.poll()) != null;) {
            batch.add(next);
        }
        if (batch.isEmpty()) {
            recording.set(false);
            if (!outcomes.isEmpty()) {
                writeOutcomes();
            }
            return;
        }
        store.record(batch, settings.disableAfter()).subscribe().with(done -> {
            for (Attempt a : batch) {
                if (a.next() == DeliveryStatus.DELIVERED) {
                    delivered.increment();
                    latency.record(Duration.between(a.eventCreatedAt(), a.attemptedAt().plusMillis(a.latencyMs())));
                } else if (a.next() == DeliveryStatus.FAILED) {
                    failed.increment();
                }
            }
            afterWrite(batch.size());
        }, failure -> {
            LOG.warnf("could not record %d webhook attempts (%s); those deliveries are sent again after their lease",
                    batch.size(), failure.toString());
            afterWrite(batch.size());
        });
    }

    private void afterWrite(int count) {
        unrecorded.addAndGet(-count);
        recording.set(false);
        if (!outcomes.isEmpty()) {
            writeOutcomes();
        }
        if (backlog.get()) {
            pump();
        }
    }

    private void housekeeping() {
        store.pendingCount().invoke(queueDepth::set)
                .chain(() -> store.purgeFinished(settings.retention()))
                .subscribe().with(done -> {
                }, failure -> LOG.debugf("webhook housekeeping failed: %s", failure.toString()));
    }

    /** Deliveries claimed and not yet written back (for tests and metrics). */
    public int inFlight() {
        return reserved.get() + waiting.queued() + onWire.get() + unrecorded.get();
    }
}
