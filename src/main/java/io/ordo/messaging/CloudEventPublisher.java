package io.ordo.messaging;

import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.ordo.outbox.OutboxEvent;
import io.ordo.outbox.OutboxSink;
import io.smallrye.mutiny.Uni;
import io.vertx.amqp.AmqpMessage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * Publishes outbox events to the AMQP address {@code ordo.order-events} as CloudEvents 1.0 in the AMQP binding's
 * binary mode: attributes as {@code cloudEvents:*} application properties, the event's data as the JSON body. A batch
 * completes when the broker has accepted every message of it; if the link is lost or cannot be had, the batch fails
 * and the relay offers it again. The events go through {@link OrderEventsLink} (one connection, one sender), not
 * through a SmallRye connector channel: see there why.
 */
@ApplicationScoped
public class CloudEventPublisher implements OutboxSink {
    public static final String SOURCE = "/ordo";
    public static final String TYPE_PREFIX = "io.ordo.";

    private final OrderEventsLink link;

    public CloudEventPublisher(OrderEventsLink link) {
        this.link = link;
    }

    /**
     * Sends the batch in waves: a wave holds at most one event per order and is sent pipelined (at most
     * {@link OrderEventsLink#MAX_SENDS_PER_TURN} encoded and handed over per event-loop turn, so a relayed backlog
     * does not hold the event loop); the next wave starts once the broker acknowledged the whole previous one. So
     * event n+1 of an order is never on the wire before event n was accepted.
     */
    @Override
    public Uni<Void> accept(List<OutboxEvent> batch) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (List<OutboxEvent> wave : waves(batch)) {
            chain = chain.chain(() -> link.sendAll(wave, CloudEventPublisher::toMessage));
        }
        return chain;
    }

    /** Splits a batch (in outbox order) into waves with at most one event of each aggregate, order kept. */
    static List<List<OutboxEvent>> waves(List<OutboxEvent> batch) {
        Map<UUID, Integer> eventsSoFar = new HashMap<>();
        List<List<OutboxEvent>> waves = new ArrayList<>();
        for (OutboxEvent event : batch) {
            int wave = eventsSoFar.merge(event.aggregateId(), 1, Integer::sum) - 1;
            if (wave == waves.size()) {
                waves.add(new ArrayList<>());
            }
            waves.get(wave).add(event);
        }
        return waves;
    }

    /** The CloudEvents AMQP binding, binary mode: a durable message, attributes as application properties. */
    static AmqpMessage toMessage(OutboxEvent event) {
        String id = event.eventId().toString();
        JsonObject properties = new JsonObject()
                .put("cloudEvents:specversion", "1.0")
                .put("cloudEvents:id", id)
                .put("cloudEvents:type", TYPE_PREFIX + event.type())
                .put("cloudEvents:source", SOURCE)
                .put("cloudEvents:subject", event.aggregateId().toString())
                .put("cloudEvents:time", DateTimeFormatter.ISO_INSTANT.format(event.createdAt()))
                .put("cloudEvents:datacontenttype", "application/json")
                .put("cloudEvents:ordosequence", event.sequence())
                .put("cloudEvents:ordoaggregate", event.aggregateType());
        return AmqpMessage.create()
                .id(id)
                .durable(true)
                .contentType("application/json")
                .applicationProperties(properties)
                .withBufferAsBody(Buffer.buffer(event.data()))
                .build();
    }
}
