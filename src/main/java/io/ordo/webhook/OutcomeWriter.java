package io.ordo.webhook;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;

/**
 * Writes the outcomes of attempts back in batches (delivery status, attempt log and endpoint health, one statement
 * each in {@link DeliveryStore#record}): one write at a time, started as soon as an outcome arrives while none is
 * running, so a busy worker writes many outcomes per round trip and an idle one writes each at once. A write that
 * fails is not repeated: those deliveries are sent again after their lease. Counts attempts, finished deliveries and
 * their latency.
 */
final class OutcomeWriter {
    private static final Logger LOG = Logger.getLogger(OutcomeWriter.class);
    /** Most outcomes in one write. */
    static final int MAX_BATCH = 500;

    private final DeliveryStore store;
    private final MeterRegistry registry;
    private final Duration disableAfter;
    /** Told how many outcomes each write took care of (written or given up), after it ended. */
    private final IntConsumer written;
    private final Queue<Attempt> outcomes = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean writing = new AtomicBoolean();
    private final Counter delivered;
    private final Counter failed;
    private final Timer latency;

    OutcomeWriter(DeliveryStore store, MeterRegistry registry, Duration disableAfter, IntConsumer written) {
        this.store = store;
        this.registry = registry;
        this.disableAfter = disableAfter;
        this.written = written;
        this.delivered = Counter.builder("ordo.webhooks.deliveries").tag("outcome", "delivered")
                .description("Deliveries finished, by outcome").register(registry);
        this.failed = Counter.builder("ordo.webhooks.deliveries").tag("outcome", "failed")
                .description("Deliveries finished, by outcome").register(registry);
        this.latency = Timer.builder("ordo.webhooks.delivery.latency")
                .description("From the event's commit to the endpoint's 2xx").publishPercentileHistogram()
                .register(registry);
    }

    /** Queues the outcome of an attempt for the next write. */
    void add(Attempt attempt) {
        registry.counter("ordo.webhooks.attempts", "outcome", attempt.kind()).increment();
        outcomes.add(attempt);
        write();
    }

    private void write() {
        if (!writing.compareAndSet(false, true)) {
            return;
        }
        List<Attempt> batch = new ArrayList<>();
        for (Attempt next; batch.size() < MAX_BATCH && (next = outcomes.poll()) != null;) {
            batch.add(next);
        }
        if (batch.isEmpty()) {
            writing.set(false);
            if (!outcomes.isEmpty()) {
                write();
            }
            return;
        }
        store.record(batch, disableAfter).subscribe().with(done -> {
            countFinished(batch);
            ended(batch.size());
        }, failure -> {
            LOG.warnf("could not record %d webhook attempts (%s); those deliveries are sent again after their lease",
                    batch.size(), failure.toString());
            ended(batch.size());
        });
    }

    /**
     * Writes the outcomes of a tick's round at once, outside the queue (a round waits for its own outcomes); fails
     * when the write fails, and those deliveries are sent again after their lease.
     */
    Uni<Void> recordNow(List<Attempt> attempts) {
        attempts.forEach(a -> registry.counter("ordo.webhooks.attempts", "outcome", a.kind()).increment());
        return store.record(attempts, disableAfter).invoke(() -> countFinished(attempts));
    }

    private void countFinished(List<Attempt> batch) {
        for (Attempt a : batch) {
            if (a.next() == DeliveryStatus.DELIVERED) {
                delivered.increment();
                latency.record(Duration.between(a.eventCreatedAt(), a.attemptedAt().plusMillis(a.latencyMs())));
            } else if (a.next() == DeliveryStatus.FAILED) {
                failed.increment();
            }
        }
    }

    private void ended(int count) {
        writing.set(false);
        if (!outcomes.isEmpty()) {
            write();
        }
        written.accept(count);
    }
}
