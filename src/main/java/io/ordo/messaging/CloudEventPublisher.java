package io.ordo.messaging;

import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.ordo.outbox.OutboxEvent;
import io.ordo.outbox.OutboxSink;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.amqp.OutgoingAmqpMetadata;
import io.vertx.core.buffer.Buffer;

/**
 * Publishes outbox events to the AMQP address {@code ordo.order-events} as CloudEvents 1.0 in the AMQP binding's
 * binary mode: attributes as {@code cloudEvents:*} application properties, the event's data as the JSON body. A batch
 * completes when the broker has accepted every message of it.
 */
@ApplicationScoped
public class CloudEventPublisher implements OutboxSink {
    public static final String SOURCE = "/ordo";
    public static final String TYPE_PREFIX = "io.ordo.";
    static final int MAX_SENDS_PER_TURN = 100;

    private final MutinyEmitter<Buffer> events;

    public CloudEventPublisher(@Channel("order-events") @OnOverflow(value = OnOverflow.Strategy.BUFFER,
            bufferSize = 4096) MutinyEmitter<Buffer> events) {
        this.events = events;
    }

    /**
     * Sends the batch in waves: a wave holds at most one event per order and is sent pipelined; the next wave starts
     * once the broker acknowledged the whole previous one. So event n+1 of an order is never on the wire before
     * event n was accepted, even when the connector retries sends through a broker outage.
     */
    @Override
    public Uni<Void> accept(List<OutboxEvent> batch) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (List<OutboxEvent> wave : waves(batch)) {
            // at most MAX_SENDS_PER_TURN encoded and handed over per event-loop turn, so that a relayed backlog does
            // not hold the event loop (and the HTTP requests on it) for long; order is kept, chunks go one by one
            for (int from = 0; from < wave.size(); from += MAX_SENDS_PER_TURN) {
                List<OutboxEvent> chunk = wave.subList(from, Math.min(wave.size(), from + MAX_SENDS_PER_TURN));
                chain = chain.chain(() -> Uni.join().all(chunk.stream().map(e -> events.sendMessage(toMessage(e))).toList())
                        .andFailFast().replaceWithVoid());
            }
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

    /**
     * The CloudEvents AMQP binding, binary mode, written directly as application properties (the connector's own
     * CloudEvent writer is switched off with {@code cloud-events=false}: it re-reads its configuration for every
     * message).
     */
    static Message<Buffer> toMessage(OutboxEvent event) {
        String id = event.eventId().toString();
        OutgoingAmqpMetadata amqp = OutgoingAmqpMetadata.builder()
                .withMessageId(id)
                .withDurable(true)
                .withContentType("application/json")
                .withApplicationProperty("cloudEvents:specversion", "1.0")
                .withApplicationProperty("cloudEvents:id", id)
                .withApplicationProperty("cloudEvents:type", TYPE_PREFIX + event.type())
                .withApplicationProperty("cloudEvents:source", SOURCE)
                .withApplicationProperty("cloudEvents:subject", event.aggregateId().toString())
                .withApplicationProperty("cloudEvents:time", DateTimeFormatter.ISO_INSTANT.format(event.createdAt()))
                .withApplicationProperty("cloudEvents:datacontenttype", "application/json")
                .withApplicationProperty("cloudEvents:ordosequence", event.sequence())
                .withApplicationProperty("cloudEvents:ordoaggregate", event.aggregateType())
                .build();
        return Message.of(Buffer.buffer(event.data())).addMetadata(amqp);
    }
}
