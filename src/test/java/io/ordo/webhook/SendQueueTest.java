package io.ordo.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class SendQueueTest {
    private static final long LATER = System.nanoTime() + 60_000_000_000L;
    private final UUID slow = UUID.randomUUID();
    private final UUID fast = UUID.randomUUID();

    private static DueDelivery delivery(UUID subscription) {
        return new DueDelivery(UUID.randomUUID(), subscription, UUID.randomUUID(), "{}", 1, Instant.now(),
                "https://example.com/hook", List.of("whsec_x"));
    }

    @Test
    void endpointsTakeTurnsAndNoneGetsMoreThanItsSlots() {
        SendQueue queue = new SendQueue(2);
        for (int i = 0; i < 5; i++) {
            queue.add(delivery(slow), LATER);
        }
        queue.add(delivery(fast), LATER);
        queue.add(delivery(fast), LATER);
        List<DueDelivery> send = queue.take(8, System.nanoTime(), new ArrayList<>());
        // two each, alternating, although five of the slow endpoint's were queued first
        assertEquals(List.of(slow, fast, slow, fast), send.stream().map(DueDelivery::subscriptionId).toList());
        assertEquals(3, queue.queued());
        assertEquals(List.of(), queue.take(8, System.nanoTime(), new ArrayList<>()), "both endpoints at their cap");
        queue.sent(slow);
        assertEquals(List.of(slow), queue.take(8, System.nanoTime(), new ArrayList<>()).stream()
                .map(DueDelivery::subscriptionId).toList());
    }

    @Test
    void aDeliveryPastItsStartByTimeLapsesInsteadOfTakingASlot() {
        SendQueue queue = new SendQueue(2);
        queue.add(delivery(slow), System.nanoTime() - 1);
        queue.add(delivery(slow), LATER);
        List<DueDelivery> lapsed = new ArrayList<>();
        List<DueDelivery> send = queue.take(8, System.nanoTime(), lapsed);
        assertEquals(1, lapsed.size());
        assertEquals(1, send.size());
        assertEquals(0, queue.queued());
    }

    @Test
    void anEndpointHoldingSixteenTimesItsSlotsIsCongestedAndGetsNoRoom() {
        SendQueue queue = new SendQueue(2);
        for (int i = 0; i < SendQueue.HELD_FACTOR * 2 - 1; i++) {
            queue.add(delivery(slow), LATER);
        }
        queue.add(delivery(fast), LATER);
        assertEquals(List.of(), queue.congested());
        SendQueue.Rooms rooms = queue.rooms();
        assertEquals(32, rooms.other());
        for (int i = 0; i < rooms.ids().length; i++) {
            assertEquals(rooms.ids()[i].equals(slow) ? 1 : 31, rooms.rooms()[i]);
        }
        queue.add(delivery(slow), LATER);
        assertEquals(List.of(slow), queue.congested());
        assertEquals(1, queue.queuedForOpenEndpoints(), "only the fast endpoint's delivery is open");
        SendQueue.Rooms after = queue.rooms();
        for (int i = 0; i < after.ids().length; i++) {
            assertEquals(after.ids()[i].equals(slow) ? 0 : 31, after.rooms()[i]);
        }
        assertEquals(2 * SendQueue.HELD_FACTOR + 1, queue.queued());
    }
}
