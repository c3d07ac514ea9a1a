package io.ordo.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.ordo.outbox.OutboxEvent;

/** The waves that keep an order's events in order on the wire. */
class CloudEventPublisherTest {
    static final UUID A = UUID.randomUUID();
    static final UUID B = UUID.randomUUID();
    static final UUID C = UUID.randomUUID();

    @Test
    void eachWaveHoldsAtMostOneEventPerOrderAndKeepsTheirOrder() {
        List<OutboxEvent> batch = List.of(event(1, A, 1), event(2, B, 1), event(3, A, 2), event(4, A, 3),
                event(5, C, 1), event(6, B, 2));
        List<List<OutboxEvent>> waves = CloudEventPublisher.waves(batch);
        assertEquals(List.of(List.of(1L, 2L, 5L), List.of(3L, 6L), List.of(4L)),
                waves.stream().map(w -> w.stream().map(OutboxEvent::position).toList()).toList());
    }

    @Test
    void aBatchOfDistinctOrdersIsOneWave() {
        assertEquals(1, CloudEventPublisher.waves(List.of(event(1, A, 1), event(2, B, 1), event(3, C, 1))).size());
        assertEquals(0, CloudEventPublisher.waves(List.of()).size());
    }

    static OutboxEvent event(long position, UUID aggregate, int sequence) {
        return new OutboxEvent(position, UUID.randomUUID(), "order", aggregate, sequence, "order.created",
                "{}", Instant.now());
    }
}
