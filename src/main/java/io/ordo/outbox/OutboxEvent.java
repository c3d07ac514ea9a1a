package io.ordo.outbox;

import java.time.Instant;
import java.util.UUID;

/**
 * One event as the outbox holds it.
 *
 * @param position the outbox row id: events are relayed in this order
 * @param eventId the event's identity on every wire (CloudEvent id, webhook-id)
 * @param aggregateType {@code order} or {@code hold}
 * @param aggregateId the order or hold the event is about (CloudEvent subject)
 * @param sequence counts the aggregate's events from 1
 * @param type {@code order.created}, {@code order.status_changed}, ...
 * @param data the order or object as the API shows it: JSON text, passed on as it is stored
 */
public record OutboxEvent(long position, UUID eventId, String aggregateType, UUID aggregateId, int sequence,
        String type, String data, Instant createdAt) {
}
