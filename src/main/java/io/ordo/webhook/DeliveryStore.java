package io.ordo.webhook;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The delivery queue in PostgreSQL. Workers on any number of instances claim due deliveries with
 * {@code FOR UPDATE SKIP LOCKED}; a claim counts the attempt and pushes {@code next_attempt_at} out by a lease, so a
 * claim of a crashed instance becomes due again by itself, and the outcome is written only if no later claim took the
 * delivery meanwhile ({@code attempts} is the fencing token). A delivery is due only when no earlier delivery of the
 * same (subscription, order) is still PENDING: per endpoint, an order's events go out in sequence order.
 */
@ApplicationScoped
public class DeliveryStore {
    private static final Logger LOG = Logger.getLogger(DeliveryStore.class);
    /**
     * One delivery per (event, matching enabled subscription: one for every channel, or for the event's channel; a
     * stock.changed, which belongs to no channel, matches every channel's subscription too); the first {@code $2}
     * heads (no earlier delivery of the same order to the same subscription pending, in the table or earlier in this
     * batch), at most {@code $5[i]} for
     * subscription {@code $4[i]} and {@code $6} for any other, are inserted already claimed (attempt 1 started, leased
     * for {@code $3} seconds) and returned with what is needed to send them.
     */
    private static final String FAN_OUT = """
            WITH matched AS (
                SELECT s.id AS subscription_id, o.event_id, o.type, o.aggregate_id, o.sequence, o.id AS position,
                       o.payload, o.created_at,
                       row_number() OVER (PARTITION BY s.id, o.aggregate_id ORDER BY o.id) = 1
                       AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e
                                        WHERE e.subscription_id = s.id AND e.aggregate_id = o.aggregate_id
                                          AND e.status = 'PENDING' AND e.outbox_position < o.id) AS head
                  FROM outbox o
                  JOIN webhook_subscriptions s ON s.enabled AND o.type = ANY (s.events)
                                              AND (s.channel IS NULL OR s.channel = o.payload ->> 'channel'
                                                   OR o.type = 'stock.changed')
                 WHERE o.id = ANY ($1)),
            ranked AS (
                SELECT m.*, head
                       AND count(*) FILTER (WHERE head) OVER (ORDER BY position, subscription_id) <= $2
                       AND count(*) FILTER (WHERE head) OVER (PARTITION BY subscription_id ORDER BY position)
                           <= coalesce(r.room, $6) AS claimed
                  FROM matched m
                  LEFT JOIN unnest($4::uuid[], $5::int[]) AS r(subscription_id, room) USING (subscription_id)),
            inserted AS (
                INSERT INTO webhook_deliveries (subscription_id, event_id, event_type, aggregate_id, sequence,
                                                outbox_position, body, event_created_at, attempts, claimed_until,
                                                next_attempt_at)
                SELECT subscription_id, event_id, type, aggregate_id, sequence, position,
                       json_build_object('type', type,
                                         'timestamp', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                                         'sequence', sequence, 'data', payload)::text,
                       created_at,
                       CASE WHEN claimed THEN 1 ELSE 0 END,
                       CASE WHEN claimed THEN now() + make_interval(secs => $3) END,
                       CASE WHEN claimed THEN now() + make_interval(secs => $3) ELSE now() END
                  FROM ranked
                 ORDER BY position, subscription_id
                ON CONFLICT (event_id, subscription_id) DO NOTHING
                RETURNING id, subscription_id, event_id, body, attempts, event_created_at)
            SELECT i.id, i.subscription_id, i.event_id, i.body, i.attempts, i.event_created_at, s.url, s.secret,
                   CASE WHEN s.previous_secret_until > now() THEN s.previous_secret END AS previous_secret
              FROM inserted i JOIN webhook_subscriptions s ON s.id = i.subscription_id
             WHERE i.attempts = 1""";
    private static final String CLAIM = """
            WITH due AS (
                SELECT d.id FROM webhook_deliveries d
                 WHERE d.status = 'PENDING' AND d.next_attempt_at <= now()
                   AND EXISTS (SELECT 1 FROM webhook_subscriptions s WHERE s.id = d.subscription_id AND s.enabled)%s
                   AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e
                                    WHERE e.subscription_id = d.subscription_id AND e.aggregate_id = d.aggregate_id
                                      AND e.status = 'PENDING' AND e.outbox_position < d.outbox_position)
                 ORDER BY d.next_attempt_at
                 LIMIT %d FOR UPDATE OF d SKIP LOCKED)
            UPDATE webhook_deliveries d
               SET attempts = d.attempts + 1, claimed_until = now() + make_interval(secs => %d),
                   next_attempt_at = now() + make_interval(secs => %d)
              FROM due, webhook_subscriptions s
             WHERE d.id = due.id AND s.id = d.subscription_id
            RETURNING d.id, d.subscription_id, d.event_id, d.body, d.attempts, d.event_created_at, s.url, s.secret,
                      CASE WHEN s.previous_secret_until > now() THEN s.previous_secret END AS previous_secret""";
    /**
     * Outcomes of a batch of attempts, in one statement: the deliveries' new state (a delivery claimed again since, its
     * lease having run out, is left to that claim), the attempts, and the endpoints' health (a success clears the
     * failing streak; 410 or a streak longer than disable-after disables); returns the endpoints whose health changed.
     */
    private static final String RECORD = """
            WITH o AS (
                SELECT * FROM unnest($1::uuid[], $2::int[], $3::timestamptz[], $4::int[], $5::int[], $6::text[],
                                     $7::text[], $8::timestamptz[])
                    AS t(id, attempt, attempted_at, status_code, latency_ms, error, outcome, next_at)),
            updated AS (
                UPDATE webhook_deliveries d
                   SET status = o.outcome, next_attempt_at = coalesce(o.next_at, d.next_attempt_at),
                       claimed_until = NULL, last_status_code = o.status_code, last_error = o.error,
                       finished_at = CASE WHEN o.outcome <> 'PENDING' THEN now() END
                  FROM o
                 WHERE d.id = o.id AND d.attempts = o.attempt AND d.status = 'PENDING'
                RETURNING d.id),
            logged AS (
                INSERT INTO webhook_attempts (delivery_id, attempt, attempted_at, status_code, latency_ms, error)
                SELECT o.id, o.attempt, o.attempted_at, o.status_code, o.latency_ms, o.error
                  FROM o JOIN updated ON updated.id = o.id
                ON CONFLICT DO NOTHING)
            UPDATE webhook_subscriptions s
               SET failing_since = CASE WHEN x.ok THEN NULL ELSE coalesce(s.failing_since, x.first_failure) END,
                   enabled = s.enabled AND NOT (x.gone OR (NOT x.ok AND coalesce(s.failing_since, x.first_failure)
                                                             <= now() - make_interval(secs => $13))),
                   disabled_reason = CASE
                       WHEN NOT s.enabled THEN s.disabled_reason
                       WHEN x.gone THEN 'the endpoint answered 410 Gone'
                       WHEN NOT x.ok AND coalesce(s.failing_since, x.first_failure) <= now() - make_interval(secs => $13)
                           THEN 'every attempt failed since ' || to_char(coalesce(s.failing_since, x.first_failure)
                                    AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                       ELSE s.disabled_reason END,
                   updated_at = now()
              FROM unnest($9::uuid[], $10::boolean[], $11::boolean[], $12::timestamptz[]) AS x(id, ok, gone, first_failure)
             WHERE s.id = x.id AND (s.failing_since IS NOT NULL OR NOT x.ok OR x.gone)
            RETURNING s.id, s.enabled, s.disabled_reason""";
    /** Gives claims back unused: due now, the attempt not counted; only while no later claim took them. */
    private static final String RELEASE = """
            UPDATE webhook_deliveries d
               SET attempts = d.attempts - 1, claimed_until = NULL, next_attempt_at = now()
              FROM unnest($1::uuid[], $2::int[]) AS c(id, attempt)
             WHERE d.id = c.id AND d.attempts = c.attempt AND d.status = 'PENDING'""";
    private static final String PENDING = "SELECT count(*) FROM webhook_deliveries WHERE status = 'PENDING'";
    private static final String PURGE = """
            DELETE FROM webhook_deliveries WHERE id IN (
                SELECT id FROM webhook_deliveries WHERE status <> 'PENDING'
                   AND finished_at < now() - make_interval(secs => $1)
                 ORDER BY finished_at LIMIT 5000 FOR UPDATE SKIP LOCKED)""";

    private final Pool pool;

    public DeliveryStore(Pool pool) {
        this.pool = pool;
    }

    /** Claims up to {@code limit} due deliveries for {@code lease}, none of the subscriptions {@code skipped}. */
    public Uni<List<DueDelivery>> claimDueDeliveries(int limit, Duration lease, List<UUID> skipped) {
        // Planned afresh on every call (a simple query with two integers of ours inlined), not prepared: a plan cached
        // while the table was small (a nested loop over a sequential scan for the ordering check) stays cached until
        // the next ANALYZE, and a claim took minutes once a backlog of 100k deliveries had built up.
        // the skipped ids are UUIDs of ours (hex digits and dashes only), safe to inline
        String skip = skipped.isEmpty() ? "" : skipped.stream().map(UUID::toString)
                .collect(Collectors.joining(",", "\n                   AND d.subscription_id <> ALL ('{", "}'::uuid[])"));
        String claim = String.format(CLAIM, skip, limit, lease.toSeconds(), lease.toSeconds());
        return pool.query(claim).execute().map(DeliveryStore::dueDeliveries);
    }

    /**
     * Inserts the deliveries of the outbox events at {@code positions} and claims up to {@code claim} of them that may
     * go out at once (within the endpoints' {@code rooms}), for {@code leaseSeconds}; returns the claimed ones.
     */
    public Uni<List<DueDelivery>> fanOut(Long[] positions, int claim, long leaseSeconds, SendQueue.Rooms rooms) {
        Tuple args = Tuple.of(positions, (long) claim, leaseSeconds, rooms.ids(), rooms.rooms(), rooms.other());
        return pool.preparedQuery(FAN_OUT).execute(args)
                .map(DeliveryStore::dueDeliveries);
    }

    private static List<DueDelivery> dueDeliveries(RowSet<Row> rows) {
        List<DueDelivery> due = new ArrayList<>(rows.size());
        for (Row row : rows) {
            String previous = row.getString("previous_secret");
            List<String> secrets = previous == null ? List.of(row.getString("secret"))
                    : List.of(row.getString("secret"), previous);
            due.add(new DueDelivery(row.getUUID("id"), row.getUUID("subscription_id"), row.getUUID("event_id"),
                    row.getString("body"), row.getInteger("attempts"),
                    row.getOffsetDateTime("event_created_at").toInstant(), row.getString("url"), secrets));
        }
        return due;
    }

    /** Writes the attempts, the deliveries' new state and the endpoints' health, in one statement. */
    public Uni<Void> record(List<Attempt> attempts, Duration disableAfter) {
        int n = attempts.size();
        UUID[] ids = new UUID[n];
        Integer[] numbers = new Integer[n];
        OffsetDateTime[] attemptedAt = new OffsetDateTime[n];
        Integer[] codes = new Integer[n];
        Integer[] latencies = new Integer[n];
        String[] errors = new String[n];
        String[] outcomes = new String[n];
        OffsetDateTime[] nextAt = new OffsetDateTime[n];
        Map<UUID, boolean[]> health = new LinkedHashMap<>();
        Map<UUID, Instant> firstFailure = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            Attempt a = attempts.get(i);
            ids[i] = a.deliveryId();
            numbers[i] = a.attempt();
            attemptedAt[i] = utc(a.attemptedAt());
            codes[i] = a.statusCode();
            latencies[i] = a.latencyMs();
            errors[i] = a.error();
            outcomes[i] = a.next().name();
            nextAt[i] = utc(a.nextAttemptAt());
            boolean[] okGone = health.computeIfAbsent(a.subscriptionId(), id -> new boolean[2]);
            okGone[0] |= a.succeeded();
            okGone[1] |= a.gone();
            if (!a.succeeded()) {
                firstFailure.merge(a.subscriptionId(), a.attemptedAt(), (x, y) -> x.isBefore(y) ? x : y);
            }
        }
        UUID[] subscriptions = health.keySet().toArray(UUID[]::new);
        Boolean[] ok = new Boolean[subscriptions.length];
        Boolean[] gone = new Boolean[subscriptions.length];
        OffsetDateTime[] failingFrom = new OffsetDateTime[subscriptions.length];
        for (int i = 0; i < subscriptions.length; i++) {
            ok[i] = health.get(subscriptions[i])[0];
            gone[i] = health.get(subscriptions[i])[1];
            failingFrom[i] = utc(firstFailure.get(subscriptions[i]));
        }
        Tuple batch = Tuple.tuple().addArrayOfUUID(ids).addArrayOfInteger(numbers)
                .addArrayOfOffsetDateTime(attemptedAt).addArrayOfInteger(codes).addArrayOfInteger(latencies)
                .addArrayOfString(errors).addArrayOfString(outcomes).addArrayOfOffsetDateTime(nextAt)
                .addArrayOfUUID(subscriptions).addArrayOfBoolean(ok).addArrayOfBoolean(gone)
                .addArrayOfOffsetDateTime(failingFrom).addLong(disableAfter.toSeconds());
        return pool.preparedQuery(RECORD).execute(batch)
                .invoke(rows -> rows.forEach(row -> {
                    if (!row.getBoolean("enabled")) {
                        LOG.warnf("webhook subscription %s disabled: %s", row.getUUID("id"),
                                row.getString("disabled_reason"));
                    }
                }))
                .replaceWithVoid();
    }

    /** Gives back claims that were never attempted; returns how many were still this worker's. */
    public Uni<Integer> release(List<DueDelivery> claims) {
        UUID[] ids = claims.stream().map(DueDelivery::id).toArray(UUID[]::new);
        Integer[] attempts = claims.stream().map(DueDelivery::attempt).toArray(Integer[]::new);
        return pool.preparedQuery(RELEASE).execute(Tuple.of(ids, attempts)).map(rows -> rows.rowCount());
    }

    public Uni<Long> pendingCount() {
        return pool.preparedQuery(PENDING).execute().map(rows -> rows.iterator().next().getLong(0));
    }

    /** Deletes up to 5,000 finished deliveries older than {@code retention}; returns how many. */
    public Uni<Integer> purgeFinished(Duration retention) {
        return pool.preparedQuery(PURGE).execute(Tuple.of(retention.toSeconds())).map(rows -> rows.rowCount());
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
