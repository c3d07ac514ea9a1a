package io.ordo.webhook;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.ordo.outbox.OutboxEvent;
import io.ordo.outbox.OutboxSink;
import io.smallrye.mutiny.Uni;

/**
 * Turns each relayed batch of outbox events into deliveries: one row per (event, enabled subscription whose event
 * types and channel match), in one statement. The relay marks the batch published only after this committed, and a
 * batch offered again inserts nothing new ({@code ON CONFLICT DO NOTHING} on (event, subscription)), so every
 * matching event gets exactly one delivery row. Order intake itself does no webhook work at all: with no
 * subscriptions this is one cheap statement per relayed batch.
 *
 * <p>The same statement claims, for this instance's delivery worker, the new deliveries that may go out at once (no
 * earlier delivery of the same order to the same endpoint is pending), as many as the worker has room for, and the
 * worker sends them as soon as the statement returns: the first attempt of a delivery costs no poll and no separate
 * claim. What is not claimed here (no room, workers disabled, an earlier event still pending) waits for a poll.
 */
@ApplicationScoped
public class WebhookFanout implements OutboxSink {
    private final DeliveryStore store;
    private final DeliveryWorker worker;

    public WebhookFanout(DeliveryStore store, DeliveryWorker worker) {
        this.store = store;
        this.worker = worker;
    }

    @Override
    public Uni<Void> accept(List<OutboxEvent> events) {
        Long[] positions = events.stream().map(OutboxEvent::position).toArray(Long[]::new);
        int room = worker.reserve(Integer.MAX_VALUE);
        // Cancelled (the relay's sink timeout): the room is given back; what the statement still claims goes out when
        // its lease runs out.
        return store.fanOut(positions, room, worker.lease().toSeconds(), worker.endpointRooms())
                .onItemOrFailure().invoke((claimed, failure) ->
                        worker.dispatch(failure == null ? claimed : List.of(), room, "fan-out"))
                .onCancellation().invoke(() -> worker.dispatch(List.of(), room, "fan-out"))
                .replaceWithVoid();
    }
}
