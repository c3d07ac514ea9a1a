package io.ordo.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

/** The outcome writer with the database replaced by writes the test answers itself. */
class OutcomeWriterTest {

    /** One write the writer started. */
    record Write(List<Attempt> attempts, UniEmitter<? super Void> answer) {
    }

    private final List<Write> writes = Collections.synchronizedList(new ArrayList<>());
    private final List<Integer> written = Collections.synchronizedList(new ArrayList<>());
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DeliveryStore store = new DeliveryStore(null) {
        @Override
        public Uni<Void> record(List<Attempt> attempts, Duration disableAfter) {
            return Uni.createFrom().emitter(answer -> writes.add(new Write(List.copyOf(attempts), answer)));
        }
    };
    private final OutcomeWriter writer = new OutcomeWriter(store, registry, Duration.ofDays(5), written::add);

    @Test
    void outcomesArrivingWhileAWriteRunsGoTogetherInTheNextOne() {
        writer.add(attempt(DeliveryStatus.DELIVERED));
        assertEquals(List.of(1), sizes(), "an idle writer writes at once");
        writer.add(attempt(DeliveryStatus.PENDING));
        writer.add(attempt(DeliveryStatus.FAILED));
        assertEquals(List.of(1), sizes(), "one write at a time");

        writes.get(0).answer().complete(null);
        assertEquals(List.of(1, 2), sizes());
        assertEquals(List.of(1), written);
        writes.get(1).answer().complete(null);
        assertEquals(List.of(1, 2), written);
        assertEquals(1, registry.counter("ordo.webhooks.deliveries", "outcome", "delivered").count());
        assertEquals(1, registry.counter("ordo.webhooks.deliveries", "outcome", "failed").count());
        assertEquals(1, registry.counter("ordo.webhooks.attempts", "outcome", "success").count());
        assertEquals(2, registry.counter("ordo.webhooks.attempts", "outcome", "http_error").count());
    }

    @Test
    void aWriteTakesAtMostFiveHundredOutcomes() {
        writer.add(attempt(DeliveryStatus.PENDING));
        for (int i = 0; i < 1_200; i++) {
            writer.add(attempt(DeliveryStatus.PENDING));
        }
        for (int i = 0; i < 4; i++) {
            writes.get(i).answer().complete(null);
        }
        assertEquals(List.of(1, OutcomeWriter.MAX_BATCH, OutcomeWriter.MAX_BATCH, 200), sizes());
        assertEquals(List.of(1, 500, 500, 200), written);
    }

    @Test
    void aFailedWriteIsNotRepeatedButItsOutcomesAreNoLongerHeld() {
        writer.add(attempt(DeliveryStatus.DELIVERED));
        writes.get(0).answer().fail(new IllegalStateException("connection lost"));
        assertEquals(List.of(1), written);
        assertEquals(List.of(1), sizes());
        assertEquals(0, registry.counter("ordo.webhooks.deliveries", "outcome", "delivered").count(),
                "not counted as delivered: it was not written");
        writer.add(attempt(DeliveryStatus.DELIVERED));
        assertEquals(List.of(1, 1), sizes(), "the writer is free again");
    }

    private List<Integer> sizes() {
        synchronized (writes) {
            return writes.stream().map(w -> w.attempts().size()).toList();
        }
    }

    private static Attempt attempt(DeliveryStatus next) {
        Instant now = Instant.now();
        boolean ok = next == DeliveryStatus.DELIVERED;
        return new Attempt(UUID.randomUUID(), UUID.randomUUID(), 1, now, ok ? 200 : 500, 12, ok ? null : "HTTP 500",
                ok ? "success" : "http_error", next, next == DeliveryStatus.PENDING ? now.plusSeconds(5) : null,
                now.minusSeconds(1));
    }
}
