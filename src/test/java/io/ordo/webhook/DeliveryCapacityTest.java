package io.ordo.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/** A worker's capacity on its own: room, sending slots, per-endpoint turns, and what counts as held. */
class DeliveryCapacityTest {
    private static final long LATER = Long.MAX_VALUE / 2;
    private final UUID a = UUID.randomUUID();
    private final UUID b = UUID.randomUUID();

    @Test
    void roomIsWhatIsNotHeldUpToTheMostAWorkerHolds() {
        DeliveryCapacity capacity = new DeliveryCapacity(true, 4, 2);
        int room = capacity.reserve(Integer.MAX_VALUE);
        assertEquals(DeliveryCapacity.MAX_HELD, room);
        assertEquals(0, capacity.reserve(1), "all of it reserved for a claim under way");

        // the claim brought 3: the rest of the room is given back, the 3 stay held while queued
        capacity.queue(deliveries(a, 3), room, LATER);
        assertEquals(3, capacity.held());
        assertEquals(DeliveryCapacity.MAX_HELD - 3, capacity.reserve(Integer.MAX_VALUE));
    }

    @Test
    void aStoppedOrDisabledWorkerHasNoRoom() {
        DeliveryCapacity capacity = new DeliveryCapacity(true, 4, 2);
        capacity.stop();
        assertTrue(capacity.stopped());
        assertEquals(0, capacity.reserve(10));
        capacity.resume();
        assertEquals(10, capacity.reserve(10));
        assertEquals(0, new DeliveryCapacity(false, 4, 2).reserve(10));
    }

    @Test
    void theFreeSlotsGoToTheEndpointsInTurnAndNoEndpointGetsMoreThanItsShare() {
        DeliveryCapacity capacity = new DeliveryCapacity(true, 4, 2);
        List<DueDelivery> claimed = new ArrayList<>(deliveries(a, 3));
        claimed.addAll(deliveries(b, 3));
        capacity.queue(claimed, capacity.reserve(6), LATER);

        List<DueDelivery> lapsed = new ArrayList<>();
        List<UUID> sent = endpoints(capacity.takeReady(System.nanoTime(), lapsed));
        assertEquals(List.of(a, b, a, b), sent);
        assertEquals(List.of(), endpoints(capacity.takeReady(System.nanoTime(), lapsed)), "every slot is taken");

        capacity.answered(a);
        assertEquals(List.of(a), endpoints(capacity.takeReady(System.nanoTime(), lapsed)));
        capacity.answered(b);
        capacity.answered(b);
        assertEquals(List.of(b), endpoints(capacity.takeReady(System.nanoTime(), lapsed)), "b's last one");
        assertEquals(List.of(), lapsed);
        assertEquals(6, capacity.held(), "answered is held until written");
    }

    @Test
    void anAnsweredAttemptIsHeldUntilItsOutcomeIsWritten() {
        DeliveryCapacity capacity = new DeliveryCapacity(true, 4, 2);
        capacity.queue(deliveries(a, 2), capacity.reserve(2), LATER);
        capacity.takeReady(System.nanoTime(), new ArrayList<>());
        capacity.answered(a);
        capacity.answered(a);
        assertEquals(2, capacity.held());
        capacity.written(2);
        assertEquals(0, capacity.held());
        assertEquals(DeliveryCapacity.MAX_HELD, capacity.reserve(Integer.MAX_VALUE));
    }

    @Test
    void aClaimThatCanNoLongerStartInTimeTakesNoSlotAndIsNoLongerHeld() {
        DeliveryCapacity capacity = new DeliveryCapacity(true, 4, 2);
        long now = System.nanoTime();
        capacity.queue(deliveries(a, 1), capacity.reserve(1), now - 1);
        capacity.queue(deliveries(b, 1), capacity.reserve(1), LATER);
        List<DueDelivery> lapsed = new ArrayList<>();
        assertEquals(List.of(b), endpoints(capacity.takeReady(now, lapsed)));
        assertEquals(List.of(a), endpoints(lapsed));
        assertEquals(1, capacity.held());
    }

    static List<DueDelivery> deliveries(UUID subscription, int count) {
        List<DueDelivery> deliveries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            deliveries.add(new DueDelivery(UUID.randomUUID(), subscription, UUID.randomUUID(), "{}", 1, Instant.now(),
                    "https://shop.example/hooks", List.of("whsec_x")));
        }
        return deliveries;
    }

    private static List<UUID> endpoints(List<DueDelivery> deliveries) {
        return deliveries.stream().map(DueDelivery::subscriptionId).toList();
    }
}
