package io.ordo.outbox;

import java.time.Instant;
import java.util.UUID;

/**
 * One event as the outbox holds it.
 *
 * @param position the outbox row id: events are relayed in this order
 * @param eventId the event's identity on every wire (CloudEvent id, webhook-id)
 * @param aggregateType {@code order}, {@code hold} or {@code stock} (a (sku, location) row, for {@code stock.low})
 * @param aggregateId the order, hold or stock row the event is about (CloudEvent subject)
 * @param sequence counts the aggregate's events from 1
 * @param type {@code order.created}, {@code order.status_changed}, ...
 * @param data the order or object as the API shows it: JSON text, passed on as it is stored
 */
public record OutboxEvent(long position, UUID eventId, String aggregateType, UUID aggregateId, int sequence,
        String type, String data, Instant createdAt) {
}
