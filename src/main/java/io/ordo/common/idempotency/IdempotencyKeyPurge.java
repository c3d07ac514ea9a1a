package io.ordo.common.idempotency;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Deletes idempotency keys older than {@code ordo.idempotency.retention}. Safe on any number of instances: each run
 * deletes a bounded slice of rows it claims with SKIP LOCKED, so concurrent runs share the work instead of colliding.
 */
@ApplicationScoped
public class IdempotencyKeyPurge {
    private static final Logger LOG = Logger.getLogger(IdempotencyKeyPurge.class);
    private static final String PURGE = """
            DELETE FROM idempotency_keys WHERE ctid IN (
                SELECT ctid FROM idempotency_keys WHERE created_at < now() - make_interval(secs => $1)
                 LIMIT 5000 FOR UPDATE SKIP LOCKED)""";

    private final Pool pool;
    private final IdempotencyConfig config;

    public IdempotencyKeyPurge(Pool pool, IdempotencyConfig config) {
        this.pool = pool;
        this.config = config;
    }

    @Scheduled(every = "${ordo.idempotency.purge-interval:5m}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> purgeExpiredKeys() {
        return purgeOnce().onFailure().invoke(e -> LOG.warn("idempotency key purge failed", e))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Deletes up to 5,000 expired keys; returns how many. */
    public Uni<Integer> purgeOnce() {
        return pool.preparedQuery(PURGE).execute(Tuple.of(config.retention().toSeconds()))
                .map(rows -> rows.rowCount());
    }
}
