package io.ordo.messaging;

import java.net.URI;
import java.time.ZoneOffset;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.ordo.outbox.OutboxEvent;
import io.ordo.outbox.OutboxSink;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.amqp.OutgoingAmqpMetadata;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.vertx.core.json.JsonObject;

/**
 * Publishes outbox events to the AMQP address {@code ordo.order-events} as CloudEvents 1.0 in the AMQP binding's
 * binary mode: attributes as {@code cloudEvents:*} application properties, the event's data as the JSON body. A batch
 * completes when the broker has accepted every message of it.
 */
@ApplicationScoped
public class CloudEventPublisher implements OutboxSink {
    public static final String SOURCE = "/ordo";
    public static final String TYPE_PREFIX = "io.ordo.";

    private final MutinyEmitter<JsonObject> events;

    public CloudEventPublisher(@Channel("order-events") @OnOverflow(value = OnOverflow.Strategy.BUFFER,
            bufferSize = 4096) MutinyEmitter<JsonObject> events) {
        this.events = events;
    }

    @Override
    public Uni<Void> accept(List<OutboxEvent> batch) {
        if (batch.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // sent in order on one link; acknowledgements are awaited together
        List<Uni<Void>> sends = batch.stream().map(event -> events.sendMessage(toMessage(event))).toList();
        return Uni.join().all(sends).andFailFast().replaceWithVoid();
    }

    static Message<JsonObject> toMessage(OutboxEvent event) {
        OutgoingCloudEventMetadata<Object> cloudEvent = OutgoingCloudEventMetadata.builder()
                .withId(event.eventId().toString())
                .withType(TYPE_PREFIX + event.type())
                .withSource(URI.create(SOURCE))
                .withSubject(event.aggregateId().toString())
                .withDataContentType("application/json")
                .withTimestamp(event.createdAt().atZone(ZoneOffset.UTC))
                .withExtension("ordosequence", event.sequence())
                .withExtension("ordoaggregate", event.aggregateType())
                .build();
        OutgoingAmqpMetadata amqp = OutgoingAmqpMetadata.builder()
                .withMessageId(event.eventId().toString())
                .withDurable(true)
                .withContentType("application/json")
                .build();
        return Message.of(event.data()).addMetadata(cloudEvent).addMetadata(amqp);
    }
}
