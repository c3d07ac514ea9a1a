package io.ordo.webhook;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * SQL for subscriptions and the delivery log over the reactive client. Secrets are written here and read back only
 * to repeat the answer of a creation whose instance died before it could answer ({@link #createdWithSecret}).
 */
@ApplicationScoped
public class WebhookRepository {
    private static final String COLUMNS =
            " id, url, events, channel, description, enabled, disabled_reason, created_at, updated_at ";
    private static final String INSERT = """
            INSERT INTO webhook_subscriptions (url, events, channel, description, secret, id)
            VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING RETURNING\s""" + COLUMNS;
    private static final String WITH_SECRET = "SELECT" + COLUMNS + ", secret FROM webhook_subscriptions WHERE id = $1";
    private static final String BY_ID = "SELECT" + COLUMNS + "FROM webhook_subscriptions WHERE id = $1";
    private static final String LIST = "SELECT" + COLUMNS
            + "FROM webhook_subscriptions WHERE ($1::text IS NULL OR channel = $1) ORDER BY created_at, id";
    private static final String UPDATE = """
            UPDATE webhook_subscriptions SET url = coalesce($2, url), events = coalesce($3, events),
                   description = coalesce($4, description), enabled = coalesce($5, enabled),
                   disabled_reason = CASE WHEN $5 THEN NULL ELSE disabled_reason END,
                   failing_since = CASE WHEN $5 THEN NULL ELSE failing_since END,
                   updated_at = now()
             WHERE id = $1 RETURNING\s""" + COLUMNS;
    private static final String DELETE = "DELETE FROM webhook_subscriptions WHERE id = $1";
    private static final String ROTATE = """
            UPDATE webhook_subscriptions SET previous_secret = secret, secret = $2,
                   previous_secret_until = now() + make_interval(secs => $3), updated_at = now()
             WHERE id = $1 RETURNING previous_secret_until""";
    private static final String DELIVERY_COLUMNS = """
            SELECT d.id, d.event_id, d.event_type, d.aggregate_id, d.sequence, d.status, d.created_at,
                   d.next_attempt_at, d.finished_at,
                   (SELECT coalesce(json_agg(json_build_object('attempt', a.attempt,
                               'attemptedAt', to_char(a.attempted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                               'statusCode', a.status_code, 'latencyMs', a.latency_ms, 'error', a.error)
                             ORDER BY a.attempt), '[]')
                      FROM webhook_attempts a WHERE a.delivery_id = d.id) AS attempt_log
              FROM webhook_deliveries d""";
    private static final String DELIVERIES = DELIVERY_COLUMNS
            + " WHERE d.subscription_id = $1 AND ($2::text IS NULL OR d.status = $2)"
            + " ORDER BY d.created_at DESC, d.id DESC LIMIT $3";
    private static final String DELIVERY = DELIVERY_COLUMNS + " WHERE d.id = $1 AND d.subscription_id = $2";
    /** A delivery being sent right now (its lease not yet run out) is left alone. */
    private static final String RETRY = """
            UPDATE webhook_deliveries SET status = 'PENDING', next_attempt_at = now(), finished_at = NULL,
                   claimed_until = NULL
             WHERE id = $1 AND subscription_id = $2
               AND (status <> 'PENDING' OR claimed_until IS NULL OR claimed_until < now())
            RETURNING id""";

    private final Pool pool;

    public WebhookRepository(Pool pool) {
        this.pool = pool;
    }

    /** A subscription row without its secrets. */
    record Subscription(UUID id, String url, List<String> events, String channel, String description,
            boolean enabled, String disabledReason, Instant createdAt, Instant updatedAt) {

        WebhookView view() {
            return new WebhookView(id, url, events, channel, description, enabled, disabledReason, createdAt,
                    updatedAt, null);
        }
    }

    /** Inserts a subscription with this id; empty when one with this id exists already. */
    Uni<Optional<Subscription>> insert(UUID id, String url, List<String> events, String channel, String description,
            String secret) {
        Tuple args = Tuple.tuple().addString(url).addArrayOfString(events.toArray(String[]::new)).addString(channel)
                .addString(description).addString(secret).addUUID(id);
        return pool.preparedQuery(INSERT).execute(args).map(rows -> rows.size() == 0 ? Optional.empty()
                : Optional.of(subscription(rows.iterator().next())));
    }

    /** A subscription as its creation answered it, with its current secret. */
    Uni<Optional<WebhookView>> createdWithSecret(UUID id) {
        return pool.preparedQuery(WITH_SECRET).execute(Tuple.of(id)).map(rows -> rows.size() == 0 ? Optional.empty()
                : Optional.of(subscription(rows.iterator().next()).view()
                        .withSecret(rows.iterator().next().getString("secret"))));
    }

    Uni<Optional<Subscription>> find(UUID id) {
        return pool.preparedQuery(BY_ID).execute(Tuple.of(id)).map(rows -> rows.size() == 0 ? Optional.empty()
                : Optional.of(subscription(rows.iterator().next())));
    }

    Uni<List<Subscription>> list(String channel) {
        return pool.preparedQuery(LIST).execute(Tuple.of(channel)).map(rows -> {
            List<Subscription> all = new ArrayList<>();
            rows.forEach(row -> all.add(subscription(row)));
            return all;
        });
    }

    Uni<Subscription> update(UUID id, String url, List<String> events, String description, Boolean enabled) {
        Tuple args = Tuple.tuple().addUUID(id).addString(url)
                .addArrayOfString(events == null ? null : events.toArray(String[]::new)).addString(description)
                .addBoolean(enabled);
        return pool.preparedQuery(UPDATE).execute(args)
                .map(rows -> rows.size() == 0 ? null : subscription(rows.iterator().next()));
    }

    Uni<Boolean> delete(UUID id) {
        return pool.preparedQuery(DELETE).execute(Tuple.of(id)).map(rows -> rows.rowCount() > 0);
    }

    /** Makes {@code secret} the signing secret; returns until when the previous one is still used, or null. */
    Uni<Instant> rotateSecret(UUID id, String secret, long windowSeconds) {
        return pool.preparedQuery(ROTATE).execute(Tuple.of(id, secret, windowSeconds))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getOffsetDateTime(0).toInstant());
    }

    Uni<List<DeliveryView>> deliveries(UUID subscription, DeliveryStatus status, int limit) {
        return pool.preparedQuery(DELIVERIES).execute(Tuple.of(subscription, status == null ? null : status.name(), limit))
                .map(rows -> {
                    List<DeliveryView> all = new ArrayList<>();
                    rows.forEach(row -> all.add(delivery(row)));
                    return all;
                });
    }

    Uni<Optional<DeliveryView>> delivery(UUID subscription, UUID delivery) {
        return pool.preparedQuery(DELIVERY).execute(Tuple.of(delivery, subscription))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(delivery(rows.iterator().next())));
    }

    /** Makes the delivery due now; false when it is being sent at this moment (or does not exist). */
    Uni<Boolean> retry(UUID subscription, UUID delivery) {
        return pool.preparedQuery(RETRY).execute(Tuple.of(delivery, subscription)).map(rows -> rows.size() > 0);
    }

    private static Subscription subscription(Row row) {
        return new Subscription(row.getUUID("id"), row.getString("url"),
                Arrays.asList(row.getArrayOfStrings("events")), row.getString("channel"),
                row.getString("description"), row.getBoolean("enabled"), row.getString("disabled_reason"),
                instant(row.getOffsetDateTime("created_at")), instant(row.getOffsetDateTime("updated_at")));
    }

    private static DeliveryView delivery(Row row) {
        DeliveryStatus status = DeliveryStatus.valueOf(row.getString("status"));
        List<DeliveryView.Attempt> attempts = new ArrayList<>();
        Object log = row.getJson("attempt_log");
        if (log instanceof JsonArray array) {
            for (int i = 0; i < array.size(); i++) {
                JsonObject a = array.getJsonObject(i);
                attempts.add(new DeliveryView.Attempt(a.getInteger("attempt"), Instant.parse(a.getString("attemptedAt")),
                        a.getInteger("statusCode"), a.getInteger("latencyMs"), a.getString("error")));
            }
        }
        return new DeliveryView(row.getUUID("id"), row.getUUID("event_id"), row.getString("event_type"),
                row.getUUID("aggregate_id"), row.getInteger("sequence"), status,
                instant(row.getOffsetDateTime("created_at")),
                status == DeliveryStatus.PENDING ? instant(row.getOffsetDateTime("next_attempt_at")) : null,
                instant(row.getOffsetDateTime("finished_at")), attempts);
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
