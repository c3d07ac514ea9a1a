package io.ordo.outbox;

import java.util.List;

import io.smallrye.mutiny.Uni;

/**
 * Something that must learn of every event: the AMQP publisher, the webhook fan-out. The relay hands each batch, in
 * outbox order, to every sink and marks it published only when all succeeded; a failed batch is offered again, so
 * a sink must tolerate seeing an event twice (at least once, keyed by {@link OutboxEvent#eventId()}).
 */
public interface OutboxSink {

    /** Completes when the sink has durably taken every event of the batch, in order. */
    Uni<Void> accept(List<OutboxEvent> events);
}
