package io.ordo.availability;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Announces changed availability as {@code stock.changed}, twice every {@code ordo.availability.coalesce} on every
 * instance: flush_availability (R__availability_functions.sql) lets one instance flush at a time (an advisory lock;
 * the others return at once) and announces each SKU at most once per interval, only when its figures changed.
 * A failed run is logged and the next one takes the same SKUs: their flags are cleared only by a run that commits.
 */
@ApplicationScoped
public class AvailabilityFlusher {
    private static final Logger LOG = Logger.getLogger(AvailabilityFlusher.class);

    private final AvailabilityRepository availability;
    private final Duration interval;
    private final int batchSize;
    private final int budgetPerRun;
    private final int budgetPerTick;
    private final Counter checked;

    public AvailabilityFlusher(AvailabilityRepository availability, AvailabilityConfig config,
            MeterRegistry registry) {
        this.availability = availability;
        this.interval = config.coalesce();
        this.batchSize = config.flushBatchSize();
        // two runs per interval share the per-second budget; no budget: as much as there is
        this.budgetPerRun = config.maxPerSecond() <= 0 ? Integer.MAX_VALUE
                : (int) Math.max(1, config.maxPerSecond() * interval.toMillis() / 2000);
        // an external tick comes about once a minute (k8s/): it may take a minute's budget
        this.budgetPerTick = config.maxPerSecond() <= 0 ? Integer.MAX_VALUE
                : (int) Math.min(Integer.MAX_VALUE, config.maxPerSecond() * 60L);
        this.checked = Counter.builder("ordo.availability.checked")
                .description("SKUs whose changed availability the flusher checked (and announced if it differed)")
                .register(registry);
    }

    /**
     * Two flushes per interval: at the tick and half an interval later (a non-blocking delay). With one flush per
     * tick, a hot SKU announced at one tick is, a few milliseconds short of a full interval later, still inside its
     * interval at the next tick and waits for the one after: one event per two intervals. Half-interval steps keep the
     * gap between one and one and a half intervals (and the scheduler checks its triggers only once a second, so the
     * job itself cannot run more often than that).
     */
    @Scheduled(every = "${ordo.availability.coalesce:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> flushChangedAvailability() {
        return flushLogged().onItem().delayIt().by(interval.dividedBy(2)).chain(this::flushLogged).replaceWithVoid();
    }

    private Uni<Integer> flushLogged() {
        return flushOnce().onFailure().invoke(e -> LOG.warn("availability flush failed; the next run retries", e))
                .onFailure().recoverWithItem(0);
    }

    /**
     * Flushes up to this run's share of the budget (half an interval's worth of {@code ordo.availability.max-per-second},
     * in statements of at most a batch); returns how many SKUs this call took.
     */
    public Uni<Integer> flushOnce() {
        return flushUpTo(budgetPerRun);
    }

    /**
     * Flushes up to a minute's budget ({@code ordo.availability.max-per-second} × 60), for an external tick that
     * comes about once a minute while no instance runs its own timer, starting no statement after
     * {@code deadlineNanos}; returns how many SKUs this call took.
     */
    public Uni<Integer> flushForTick(long deadlineNanos) {
        return flushUpTo(budgetPerTick, deadlineNanos);
    }

    private Uni<Integer> flushUpTo(int budget) {
        return flushUpTo(budget, Long.MAX_VALUE);
    }

    private Uni<Integer> flushUpTo(int budget, long deadlineNanos) {
        int limit = Math.min(batchSize, budget);
        return availability.flush(interval, limit).chain(count -> {
            checked.increment(count);
            return count < limit || budget - count <= 0 || System.nanoTime() - deadlineNanos > 0
                    ? Uni.createFrom().item(count)
                    : flushUpTo(budget - count, deadlineNanos).map(more -> count + more);
        });
    }
}
