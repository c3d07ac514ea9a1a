package io.ordo.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;

/** Plain unit tests (no Quarkus): the window admits up to its size and resumes when a message is settled. */
class InFlightWindowTest {

    @Test
    void admitsUpToItsSizeThenWaitsForASlot() {
        InFlightWindow window = new InFlightWindow(2);
        List<CompletableFuture<Void>> work = new ArrayList<>();
        List<CompletableFuture<Void>> admitted = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            work.add(done);
            if (i < 2 || admitted.get(i - 1).isDone()) {
                admitted.add(window.admit(() -> Uni.createFrom().completionStage(done)).subscribeAsCompletionStage()
                        .toCompletableFuture());
            }
        }
        assertEquals(2, admitted.size());
        assertTrue(admitted.get(0).isDone(), "room after the first");
        assertFalse(admitted.get(1).isDone(), "the second fills the window: the next message must wait");
        assertEquals(2, window.inFlight());
        work.get(0).complete(null);
        assertTrue(admitted.get(1).isDone(), "a settled message makes room");
        assertEquals(1, window.inFlight());
    }

    @Test
    void aFailingOrThrowingMessageStillGivesItsSlotBack() {
        InFlightWindow window = new InFlightWindow(1);
        assertTrue(window.admit(() -> Uni.createFrom().failure(new IllegalStateException("db down")))
                .subscribeAsCompletionStage().isDone());
        assertTrue(window.admit(() -> {
            throw new IllegalStateException("thrown before a Uni exists");
        }).subscribeAsCompletionStage().isDone());
        assertEquals(0, window.inFlight());
    }
}
