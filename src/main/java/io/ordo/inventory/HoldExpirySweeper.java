package io.ordo.inventory;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Gives back the stock of expired holds, every {@code ordo.holds.sweep-interval} on every instance. Each hold is
 * claimed with {@code FOR UPDATE SKIP LOCKED} and only while still ACTIVE, so it is released exactly once however
 * many instances sweep at the same time.
 */
@ApplicationScoped
public class HoldExpirySweeper {
    private static final Logger LOG = Logger.getLogger(HoldExpirySweeper.class);

    private final HoldRepository holds;
    private final BackorderAnnouncer backorders;
    private final int batchSize;
    private final Counter expired;

    public HoldExpirySweeper(HoldRepository holds, HoldsConfig config, MeterRegistry registry,
            BackorderAnnouncer backorders) {
        this.holds = holds;
        this.backorders = backorders;
        this.batchSize = config.sweepBatchSize();
        this.expired = Counter.builder("ordo.holds.expired").description("Holds expired by the sweeper")
                .register(registry);
    }

    @Scheduled(every = "${ordo.holds.sweep-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> expireDueHolds() {
        return sweepOnce().onFailure().invoke(e -> LOG.warn("hold expiry sweep failed; next sweep retries", e))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Expires due holds until none is left; returns how many this call expired. */
    public Uni<Integer> sweepOnce() {
        return sweepUntil(Long.MAX_VALUE);
    }

    /** Expires due holds until none is left or {@code deadlineNanos} has passed; returns how many. */
    public Uni<Integer> sweepUntil(long deadlineNanos) {
        return holds.expireDue(batchSize).chain(count -> {
            expired.increment(count);
            if (count > 0) {
                backorders.kick(); // released units may have gone to waiting backorders
            }
            return count < batchSize || System.nanoTime() - deadlineNanos > 0 ? Uni.createFrom().item(count)
                    : sweepUntil(deadlineNanos).map(more -> count + more);
        });
    }
}
