package io.ordo.inventory;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Announces units that became free and went to orders' backorders: the serving transaction (a count, an adjustment,
 * a restock, a cancellation, an expired hold) gives the units and records them in {@code backorder_allocations}; this
 * job then gives each such order its new version, a history row and its {@code order.backorder_allocated} event, with
 * the order row locked first (the serving transaction holds stock locks, after which no order row may be locked).
 * Every {@code ordo.backorders.announce-interval} on every instance, each order claimed with SKIP LOCKED; callers
 * that may have served backorders {@link #kick() kick} it so the event usually follows within milliseconds.
 */
@ApplicationScoped
public class BackorderAnnouncer {
    private static final Logger LOG = Logger.getLogger(BackorderAnnouncer.class);
    private static final String ANNOUNCE = "SELECT announce_backorder_allocations($1)";
    private final Pool pool;
    private final int batchSize;
    private final Counter announced;

    public BackorderAnnouncer(Pool pool, BackordersConfig config, MeterRegistry registry) {
        this.pool = pool;
        this.batchSize = config.announceBatchSize();
        this.announced = Counter.builder("ordo.backorders.announced")
                .description("Orders whose backorders were given units, announced").register(registry);
    }

    @Scheduled(every = "${ordo.backorders.announce-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> announceDue() {
        return announceAll().onFailure().invoke(e -> LOG.warn("backorder announcement failed; next run retries", e))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Starts an announcement run now, in the background (after a change that may have served backorders). */
    public void kick() {
        announceDue().subscribe().with(done -> {
        }, failure -> {
        });
    }

    /** Announces until nothing is pending; returns how many orders this call announced. */
    public Uni<Integer> announceAll() {
        return announceUntil(Long.MAX_VALUE);
    }

    /** Announces until nothing is pending or {@code deadlineNanos} has passed; returns how many orders. */
    public Uni<Integer> announceUntil(long deadlineNanos) {
        return pool.preparedQuery(ANNOUNCE).execute(Tuple.of(batchSize)).map(rows -> rows.iterator().next().getInteger(0))
                .chain(count -> {
                    announced.increment(count);
                    return count < batchSize || System.nanoTime() - deadlineNanos > 0 ? Uni.createFrom().item(count)
                            : announceUntil(deadlineNanos).map(more -> count + more);
                });
    }
}
