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
import io.ordo.common.OrdoConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;

/**
 * Sends webhook deliveries, on every instance where {@code ordo.webhooks.workers-enabled}. Most first attempts arrive
 * already claimed from {@link WebhookFanout}; the rest (retries, events waiting behind an earlier one of the same order,
 * claims of a crashed instance whose lease ran out) are polled: each poll claims as many due deliveries as there is
 * room for, and while claims come back full it claims again as soon as room frees up, without waiting for the next
 * poll. At most {@code max-in-flight} attempts are on the wire per instance. Outcomes are written in batches (one is
 * written as soon as no other write is running, so a busy worker writes many per round trip); at most
 * {@link #MAX_UNRECORDED} deliveries are claimed but not yet written back.
 */
@ApplicationScoped
public class DeliveryWorker {
    private static final Logger LOG = Logger.getLogger(DeliveryWorker.class);
    private static final int MAX_RECORD_BATCH = 500;
    static final int MAX_UNRECORDED = 4 * MAX_RECORD_BATCH;

    /** Settings of one worker. */
    public record Settings(boolean enabled, Duration pollInterval, int batchSize, int maxInFlight, Duration timeout,
            List<Duration> retrySchedule, Duration disableAfter, Duration retention) {

        static Settings of(OrdoConfig.Webhooks config) {
            return new Settings(config.workersEnabled(), config.pollInterval(), config.batchSize(),
                    config.maxInFlight(), config.timeout(), config.retrySchedule(), config.disableAfter(),
                    config.deliveryRetention());
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
    /** Claimed and not yet answered (or timed out). */
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
            OrdoConfig config, Clock clock) {
        this(store, vertx, guard, registry, Settings.of(config.webhooks()), clock);
    }

    /** A worker with explicit settings (another instance's worker, in tests). */
    public DeliveryWorker(DeliveryStore store, Vertx vertx, WebhookUrlGuard guard, MeterRegistry registry,
            Settings settings, Clock clock) {
        this.store = store;
        this.vertx = vertx;
        this.settings = settings;
        this.registry = registry;
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

    public void start() {
        stopped = false;
        pollTimer = vertx.setPeriodic(settings.pollInterval().toMillis(), id -> pump());
        housekeepingTimer = vertx.setPeriodic(5_000, id -> housekeeping());
    }

    /** Stops claiming; attempts on the wire still finish and are written. */
    public void stop() {
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
        int wire = onWire.get();
        int room = Math.min(settings.maxInFlight() - wire, MAX_UNRECORDED - wire - unrecorded.get());
        int taken = Math.max(0, Math.min(wanted, room));
        onWire.addAndGet(taken);
        return taken;
    }

    /**
     * Sends deliveries claimed with room taken by {@link #reserve}; the room not used is given back. {@code source}
     * (fan-out or poll) tags the claims metric.
     */
    void dispatch(List<DueDelivery> claimed, int reserved, String source) {
        onWire.addAndGet(claimed.size() - reserved);
        if (!claimed.isEmpty()) {
            registry.counter("ordo.webhooks.claims", "source", source).increment(claimed.size());
        }
        for (DueDelivery delivery : claimed) {
            sender.attempt(delivery).subscribe().with(this::finished);
        }
    }

    private void pump() {
        if (stopped || !claiming.compareAndSet(false, true)) {
            return;
        }
        int wanted = reserve(settings.batchSize());
        if (wanted <= 0) {
            claiming.set(false);
            return;
        }
        store.claimDueDeliveries(wanted, settings.lease()).subscribe().with(claimed -> {
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
        onWire.decrementAndGet();
        outcomes.add(attempt);
        writeOutcomes();
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
        return onWire.get() + unrecorded.get();
    }
}
