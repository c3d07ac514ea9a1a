package io.ordo.messaging;

import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

/**
 * Lets one AMQP receiver keep several messages in progress. SmallRye hands an {@code @Incoming} method returning a
 * {@link Uni} the next message only when the previous Uni completes; {@link #admit} starts a message's work and
 * completes as soon as fewer than {@code size} messages are in progress, not when this one is done. So one link (one
 * connection, one consumer on the broker) carries {@code size} concurrent orders, which the intake coalesces like
 * concurrent HTTP requests, and the broker's credit keeps the rest queued on the broker.
 */
final class InFlightWindow {
    private final int size;
    private int inFlight;
    private Runnable waiting;

    InFlightWindow(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be at least 1");
        }
        this.size = size;
    }

    /** Starts {@code work} (which must not fail: it settles its own message) and completes when a slot is free. */
    Uni<Void> admit(Supplier<Uni<Void>> work) {
        return Uni.createFrom().emitter(next -> {
            synchronized (this) {
                inFlight++;
            }
            Uni.createFrom().deferred(work::get).subscribe().with(done -> release(), failure -> release());
            synchronized (this) {
                if (inFlight < size) {
                    next.complete(null);
                } else {
                    waiting = () -> next.complete(null);
                }
            }
        });
    }

    synchronized int inFlight() {
        return inFlight;
    }

    private void release() {
        Runnable resume;
        synchronized (this) {
            inFlight--;
            resume = waiting;
            waiting = null;
        }
        if (resume != null) {
            resume.run();
        }
    }
}
