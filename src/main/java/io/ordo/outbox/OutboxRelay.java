package io.ordo.outbox;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Moves committed outbox events to every {@link OutboxSink} (to all of them at once), in outbox order. Any number
 * of instances may run it: a transaction-scoped advisory lock lets one relay work at a time (the others find it taken
 * and wait for the next tick), and the claimed rows are also locked {@code FOR UPDATE SKIP LOCKED}, so no row is
 * handed out twice and events of one order never overtake each other. Rows are marked published in the same
 * transaction, after every sink confirmed them; a crash or a broker outage leaves them unpublished for the next
 * attempt. Claims start at the relay's {@link OutboxFloor} (every id below it is published), so that they do not walk
 * the index entries published rows leave behind until VACUUM.
 */
@ApplicationScoped
public class OutboxRelay {
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** Advisory lock key of the relay ("ordo" in ASCII). */
    private static final long RELAY_LOCK = 0x6f72646fL;
    /** Longest pause between attempts while batches keep failing. */
    private static final Duration MAX_BACK_OFF = Duration.ofSeconds(2);
    /** What a batch returns when another relay holds the outbox. */
    private static final int LOCK_BUSY = -1;
    /** The relay's lock, and the oldest transaction still running (to settle the floor's candidate). */
    private static final String TRY_LOCK =
            "SELECT pg_try_advisory_xact_lock($1), pg_snapshot_xmin(pg_current_snapshot())::text::bigint";
    private static final String FLOOR_CANDIDATE = "SELECT last_id, below_xid FROM outbox_floor_candidate()";
    /** From the floor on ({@link OutboxFloor}): the index entries of published rows below it are not walked. */
    private static final String CLAIM = """
            SELECT id, event_id, aggregate_type, aggregate_id, sequence, type, payload::text AS payload, created_at FROM outbox
             WHERE published_at IS NULL AND id >= $2 ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED""";
    private static final String MARK = "UPDATE outbox SET published_at = now() WHERE id = ANY($1)";
    private static final String OLDEST = "SELECT min(created_at) FROM outbox WHERE published_at IS NULL AND id >= $1";
    private static final String PURGE = """
            DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE published_at < now() - make_interval(secs => $1)
             ORDER BY published_at LIMIT 10000 FOR UPDATE SKIP LOCKED)""";

    private final Pool pool;
    private final Vertx vertx;
    private final Instance<OutboxSink> sinks;
    private final int batchSize;
    private final Duration pollInterval;
    private final Duration sinkTimeout;
    private final Duration retention;
    private final boolean enabled;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong oldestUnpublishedMillis = new AtomicLong();
    private final OutboxFloor floor = new OutboxFloor();
    private final Counter published;
    private volatile boolean stopped;
    /** Failed attempts in a row (broker or database away), when the first of them failed, when to try again. */
    private volatile int failedAttempts;
    private volatile long failingSinceMillis;
    private volatile long nextAttemptMillis;
    private long pollTimer = -1;
    private long housekeepingTimer = -1;

    @Inject
    public OutboxRelay(Pool pool, Vertx vertx, Instance<OutboxSink> sinks, MeterRegistry registry, OutboxConfig config) {
        this(pool, vertx, sinks, registry, config.batchSize(), config.pollInterval(),
                config.sinkTimeout(), config.retention(), config.relayEnabled());
    }

    /** A relay with explicit settings (another instance's relay, in tests). */
    public OutboxRelay(Pool pool, Vertx vertx, Instance<OutboxSink> sinks, MeterRegistry registry, int batchSize,
            Duration pollInterval, Duration sinkTimeout, Duration retention, boolean enabled) {
        this.pool = pool;
        this.vertx = vertx;
        this.sinks = sinks;
        this.batchSize = batchSize;
        this.pollInterval = pollInterval;
        this.sinkTimeout = sinkTimeout;
        this.retention = retention;
        this.enabled = enabled;
        this.published = Counter.builder("ordo.outbox.published").description("Events relayed to every sink")
                .register(registry);
        registry.gauge("ordo.outbox.lag.seconds", oldestUnpublishedMillis, v -> v.get() / 1000.0);
    }

    void start(@Observes StartupEvent event) {
        if (!enabled) {
            LOG.info("outbox relay disabled on this instance (ordo.outbox.relay-enabled=false)");
            return;
        }
        pollTimer = vertx.setPeriodic(pollInterval.toMillis(), id -> tick());
        housekeepingTimer = vertx.setPeriodic(5_000, id -> housekeeping());
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        if (pollTimer >= 0) {
            vertx.cancelTimer(pollTimer);
        }
        if (housekeepingTimer >= 0) {
            vertx.cancelTimer(housekeepingTimer);
        }
    }

    private void tick() {
        if (stopped || System.currentTimeMillis() < nextAttemptMillis || !running.compareAndSet(false, true)) {
            return;
        }
        drain().subscribe().with(count -> {
            if (failedAttempts > 0) {
                LOG.infof("outbox relay: publishing again after %d failed attempts over %d ms", failedAttempts,
                        System.currentTimeMillis() - failingSinceMillis);
            }
            failedAttempts = 0;
            nextAttemptMillis = 0;
            running.set(false);
        }, failure -> {
            // A sink or the database is away (a broker outage fails every batch at once): wait longer after each
            // failure, up to MAX_BACK_OFF, instead of claiming the batch again every poll, and say it once.
            int failed = ++failedAttempts;
            long now = System.currentTimeMillis();
            if (failed == 1) {
                failingSinceMillis = now;
                LOG.warnf("outbox relay: %s; the events stay in the outbox and are offered again (retrying quietly"
                        + " until it works)", failure.toString());
            } else {
                LOG.debugf("outbox relay: attempt %d failed: %s", failed, failure.toString());
            }
            nextAttemptMillis = now + backOffMillis(failed);
            running.set(false);
        });
    }

    /** Pause after the {@code failed}-th failure in a row: the poll interval doubled each time, at most 2 s. */
    long backOffMillis(int failed) {
        return Math.min(MAX_BACK_OFF.toMillis(), pollInterval.toMillis() << Math.min(failed, 10));
    }

    /** Relays batches until the outbox is empty or another instance holds the relay; returns the count relayed. */
    public Uni<Integer> drain() {
        return relayOnce().chain(count -> count == batchSize && !stopped
                ? drain().map(more -> count + more)
                : Uni.createFrom().item(count));
    }

    /**
     * Relays until the outbox is empty, for an external tick: when another relay (an instance's timer, another tick)
     * holds the outbox, waits for it instead of leaving the rest to it, so that every event committed before the call
     * is published when it returns, unless {@code deadlineNanos} (a {@link System#nanoTime()}) passes first: no
     * batch is started after it. Waits at most twice the sink timeout in all for the outbox to be free (a relay that
     * keeps it that long is publishing anyway); returns the count this call relayed.
     */
    public Uni<Integer> drainAll(long deadlineNanos) {
        long waitUntil = System.nanoTime() + sinkTimeout.multipliedBy(2).toNanos();
        return drainAll(deadlineNanos - waitUntil < 0 ? deadlineNanos : waitUntil, deadlineNanos);
    }

    private Uni<Integer> drainAll(long waitUntil, long deadlineNanos) {
        return relayBatch().chain(count -> {
            if (count == LOCK_BUSY) {
                return System.nanoTime() - waitUntil > 0 ? Uni.createFrom().item(0)
                        : Uni.createFrom().voidItem().onItem().delayIt().by(pollInterval)
                                .chain(() -> drainAll(waitUntil, deadlineNanos));
            }
            return count == batchSize && !stopped && System.nanoTime() - deadlineNanos < 0
                    ? drainAll(waitUntil, deadlineNanos).map(more -> count + more)
                    : Uni.createFrom().item(count);
        });
    }

    /** Relays at most one batch; 0 when there was nothing to do or another instance is relaying. */
    public Uni<Integer> relayOnce() {
        return relayBatch().map(count -> Math.max(count, 0));
    }

    /** What a round did, for the floor once its transaction committed. */
    private record Round(int claimed, long highestClaimed, OutboxFloor.Candidate settled) {
        static final Round BUSY = new Round(LOCK_BUSY, -1, null);
    }

    /** Relays at most one batch; {@link #LOCK_BUSY} when another relay holds the outbox. */
    private Uni<Integer> relayBatch() {
        return pool.withTransaction(tx -> tx.preparedQuery(TRY_LOCK).execute(Tuple.of(RELAY_LOCK)).chain(rows -> {
            Row lock = rows.iterator().next();
            if (!lock.getBoolean(0)) {
                return Uni.createFrom().item(Round.BUSY);
            }
            OutboxFloor.Candidate settled = floor.settledBy(lock.getLong(1));
            long from = floor.value();
            long now = System.nanoTime();
            Uni<Void> candidate = !floor.wantsCandidate(now) ? Uni.createFrom().voidItem()
                    : tx.preparedQuery(FLOOR_CANDIDATE).execute().invoke(found -> {
                        Row row = found.iterator().next();
                        floor.propose(new OutboxFloor.Candidate(row.getLong(0), row.getLong(1)), now);
                    }).replaceWithVoid();
            return candidate.chain(() -> claimAndPublish(tx, from, settled));
        })).invoke(round -> {
            if (round.claimed() != LOCK_BUSY) {
                floor.committed(round.settled(), round.claimed(), batchSize, round.highestClaimed());
            }
        }).map(Round::claimed);
    }

    /** Every outbox id below this is published (see {@link OutboxFloor}; tests). */
    long floor() {
        return floor.value();
    }

    private Uni<Round> claimAndPublish(SqlConnection tx, long from, OutboxFloor.Candidate settled) {
        return tx.preparedQuery(CLAIM).execute(Tuple.of(batchSize, from)).chain(rows -> {
            if (rows.size() == 0) {
                return Uni.createFrom().item(new Round(0, -1, settled));
            }
            List<OutboxEvent> events = new ArrayList<>(rows.size());
            for (Row row : rows) {
                events.add(new OutboxEvent(row.getLong("id"), row.getUUID("event_id"), row.getString("aggregate_type"),
                        row.getUUID("aggregate_id"), row.getInteger("sequence"), row.getString("type"),
                        row.getString("payload"), row.getOffsetDateTime("created_at").toInstant()));
            }
            Long[] ids = events.stream().map(OutboxEvent::position).toArray(Long[]::new);
            // the sinks are independent: they take the batch at the same time, and it is published once all have it
            List<Uni<Void>> accepted = new ArrayList<>();
            sinks.forEach(sink -> accepted.add(sink.accept(events)));
            return (accepted.isEmpty() ? Uni.createFrom().voidItem()
                    : Uni.join().all(accepted).andFailFast().replaceWithVoid())
                    .ifNoItem().after(sinkTimeout).fail()
                    .chain(() -> tx.preparedQuery(MARK).execute(Tuple.of(ids)))
                    .invoke(() -> published.increment(events.size()))
                    .replaceWith(new Round(events.size(), ids[ids.length - 1], settled));
        });
    }

    /** Deletes up to 10,000 events published longer ago than the retention; returns how many. */
    public Uni<Integer> purgePublished() {
        return pool.preparedQuery(PURGE).execute(Tuple.of(retention.toSeconds())).map(rows -> rows.rowCount());
    }

    private void housekeeping() {
        pool.preparedQuery(OLDEST).execute(Tuple.of(floor.value()))
                .map(rows -> rows.iterator().next().getOffsetDateTime(0))
                .invoke(oldest -> oldestUnpublishedMillis.set(oldest == null ? 0
                        : Math.max(0, Duration.between(oldest.toInstant(), Instant.now()).toMillis())))
                .chain(this::purgePublished)
                .subscribe().with(done -> {
                }, failure -> LOG.debugf("outbox housekeeping failed: %s", failure.toString()));
    }
}
