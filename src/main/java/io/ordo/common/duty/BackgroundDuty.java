package io.ordo.common.duty;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * A periodic duty of a feature (relaying the outbox, retrying webhooks, expiring holds, purging old rows...): what
 * the feature's own timer does on every instance, and what an external tick ({@code POST /v1/ops/tick}) can drive
 * while no instance runs, so that background work survives scale to zero. A duty is safe to run on any number of
 * instances and ticks at once: each item of due work is claimed in the database (an advisory lock, {@code FOR UPDATE
 * SKIP LOCKED}, a lease), so it is done once however many rounds run side by side.
 */
public interface BackgroundDuty {

    /** The duty's name in the tick's answer (kebab-case, stable). */
    String name();

    /**
     * When in a tick the duty runs: lower first. Duties that create work for others (hold expiry releases stock to
     * backorders, everything writes events) come before those that carry it out (the relay, then the deliveries of
     * what it relayed), and purges last.
     */
    int stage();

    /**
     * Runs one round of the due work to its end, starting no new batch once {@code deadlineNanos} (a
     * {@link System#nanoTime()}) has passed, and tells how many items it did. Fails when the database is away; what
     * was not done stays due.
     */
    Uni<Integer> runDue(long deadlineNanos);

    /**
     * How many items are due now, or -1 when the duty does not count them (purges: never urgent). The scaler's query
     * (KEDA, {@code k8s/keda/}) adds the same per-feature SQL functions the duties call here.
     */
    default Uni<Long> dueCount() {
        return Uni.createFrom().item(-1L);
    }

    /** A due count from a feature's SQL function, e.g. {@code SELECT outbox_due_count()}: the first column of one row. */
    static Uni<Long> countBy(Pool pool, String query) {
        return pool.query(query).execute().map(rows -> rows.iterator().next().getLong(0));
    }
}
