package io.ordo.common.idempotency;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Ends the lease of an idempotency key whose request failed unexpectedly, so that a retry takes the key over at once
 * instead of answering 409 request-in-flight until the lease runs out. When the release cannot be written (the
 * database is away: the failure was most likely that), this instance remembers that it owes it and writes it
 * <ul>
 * <li>before a retry of that key on this instance claims the key ({@link #settle}), and</li>
 * <li>in the background, every second, with a back-off per key from 1 s doubling to 8 s ({@link #retryOwed}),</li>
 * </ul>
 * until it is written or the lease has run out anyway. The list is in memory: an instance that dies owes nothing,
 * its keys' leases simply run out.
 */
@ApplicationScoped
public class KeyReleases {
    private static final Logger LOG = Logger.getLogger(KeyReleases.class);
    private static final long FIRST_BACKOFF_NANOS = 1_000_000_000L;
    private static final long MAX_BACKOFF_NANOS = 8_000_000_000L;
    /*
     * Ends the lease rather than deleting the key, so that a retry takes the claim over with its resource id: a
     * failure may come after the action's commit (a connection lost while committing, or the key's completion lost).
     * Fenced by the attempt, so that a late release of a taken-over attempt leaves its successor alone.
     */
    private static final String RELEASE = """
            UPDATE idempotency_keys SET locked_until = now() - interval '1 second'
             WHERE subject = $1 AND scope = $2 AND key = $3 AND state = 'IN_FLIGHT' AND attempt = $4""";

    private final Pool pool;
    private final long leaseNanos;
    private final Map<ScopedKey, Owed> owed = new ConcurrentHashMap<>();

    public KeyReleases(Pool pool, IdempotencyConfig config) {
        this.pool = pool;
        this.leaseNanos = config.inFlightLease().toNanos();
    }

    /** A release this instance could not write yet; the back-off is changed by the background retry only. */
    private static final class Owed {
        final int attempt;
        final long giveUpAt;
        volatile long nextTryAt;
        volatile long backoff = FIRST_BACKOFF_NANOS;

        Owed(int attempt, long now, long leaseNanos) {
            this.attempt = attempt;
            this.giveUpAt = now + leaseNanos;
            this.nextTryAt = now + FIRST_BACKOFF_NANOS;
        }
    }

    /** Ends the lease of {@code attempt} of {@code key}; never fails (what cannot be written now is owed). */
    Uni<Void> release(ScopedKey key, int attempt) {
        return write(key, attempt).onFailure().invoke(e -> {
            LOG.warnf("could not release idempotency key %s after a failure (%s); retrying in the background",
                    key.key(), e.toString());
            owed.put(key, new Owed(attempt, System.nanoTime(), leaseNanos));
        }).onFailure().recoverWithNull();
    }

    /** Before this instance claims {@code key}: writes the release it still owes for it, if any. Never fails. */
    Uni<Void> settle(ScopedKey key) {
        Owed pending = owed.get(key);
        if (pending == null) {
            return Uni.createFrom().voidItem();
        }
        return write(key, pending.attempt).invoke(() -> owed.remove(key, pending))
                .onFailure().recoverWithNull();
    }

    /** How many releases this instance still owes. */
    public int owedCount() {
        return owed.size();
    }

    @Scheduled(every = "1s", delayed = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> retryOwed() {
        long now = System.nanoTime();
        owed.entrySet().removeIf(e -> now - e.getValue().giveUpAt > 0);
        List<Map.Entry<ScopedKey, Owed>> due = owed.entrySet().stream()
                .filter(e -> now - e.getValue().nextTryAt >= 0).toList();
        if (due.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Multi.createFrom().iterable(due)
                .onItem().transformToUniAndConcatenate(e -> write(e.getKey(), e.getValue().attempt)
                        .invoke(() -> owed.remove(e.getKey(), e.getValue()))
                        .onFailure().invoke(() -> {
                            Owed pending = e.getValue();
                            pending.backoff = Math.min(pending.backoff * 2, MAX_BACKOFF_NANOS);
                            pending.nextTryAt = System.nanoTime() + pending.backoff;
                        })
                        .onFailure().recoverWithNull())
                .collect().last().replaceWithVoid();
    }

    private Uni<Void> write(ScopedKey key, int attempt) {
        return pool.preparedQuery(RELEASE).execute(Tuple.of(key.subject(), key.scope(), key.key(), attempt))
                .replaceWithVoid();
    }
}
