package io.ordo.webhook;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.ordo.outbox.OutboxEvent;
import io.ordo.outbox.OutboxSink;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Turns each relayed batch of outbox events into deliveries: one row per (event, enabled subscription whose event
 * types and channel match), in one statement. The relay marks the batch published only after this committed, and a
 * batch offered again inserts nothing new ({@code ON CONFLICT DO NOTHING} on (event, subscription)), so every
 * matching event gets exactly one delivery row. Order intake itself does no webhook work at all: with no
 * subscriptions this is one cheap statement per relayed batch.
 *
 * <p>The body is built here, once, as the bytes every attempt signs and sends: {@code {"type", "timestamp",
 * "sequence", "data"}} with {@code data} the event's stored JSON and {@code timestamp} the event's time.
 */
@ApplicationScoped
public class WebhookFanout implements OutboxSink {
    private static final String FAN_OUT = """
            INSERT INTO webhook_deliveries (subscription_id, event_id, event_type, aggregate_id, sequence,
                                            outbox_position, body, event_created_at)
            SELECT s.id, o.event_id, o.type, o.aggregate_id, o.sequence, o.id,
                   json_build_object('type', o.type,
                                     'timestamp', to_char(o.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                                     'sequence', o.sequence, 'data', o.payload)::text,
                   o.created_at
              FROM outbox o
              JOIN webhook_subscriptions s ON s.enabled AND o.type = ANY (s.events)
                                          AND (s.channel IS NULL OR s.channel = o.payload ->> 'channel')
             WHERE o.id = ANY ($1)
             ORDER BY o.id, s.id
            ON CONFLICT (event_id, subscription_id) DO NOTHING""";

    private final Pool pool;

    public WebhookFanout(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<Void> accept(List<OutboxEvent> events) {
        Long[] positions = events.stream().map(OutboxEvent::position).toArray(Long[]::new);
        return pool.preparedQuery(FAN_OUT).execute(Tuple.of(positions)).replaceWithVoid();
    }
}
