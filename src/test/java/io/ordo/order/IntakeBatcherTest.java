package io.ordo.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * The coalescing of {@link IntakeBatcher}, with the database call replaced by batches the test answers itself: no
 * Quarkus, no database. Each outcome names the order it belongs to, so that a caller getting another's is seen.
 */
class IntakeBatcherTest {

    /** One database call the batcher made, answered when the test says so. */
    record Call(List<NewOrder> orders, UniEmitter<? super List<Placement>> answer) {
        void succeed() {
            answer.complete(orders.stream().map(IntakeBatcherTest::outcomeOf).toList());
        }

        void fail(Throwable failure) {
            answer.fail(failure);
        }
    }

    private final List<Call> calls = new ArrayList<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger mostRunning = new AtomicInteger();
    private final Map<UUID, Placement> results = new ConcurrentHashMap<>();
    private final Map<UUID, Throwable> failures = new ConcurrentHashMap<>();

    private IntakeBatcher batcher(int maxBatchSize, int maxConcurrentBatches) {
        return new IntakeBatcher(orders -> Uni.createFrom().<List<Placement>> emitter(answer -> {
            synchronized (calls) {
                calls.add(new Call(orders, answer));
            }
            mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
        }).onTermination().invoke(running::decrementAndGet), maxBatchSize, maxConcurrentBatches,
                new SimpleMeterRegistry());
    }

    @Test
    void ordersArrivingWhileTheBatchesRunAreCoalescedIntoTheNextOnesUpToTheMaxBatchSize() {
        IntakeBatcher batcher = batcher(3, 2);
        List<NewOrder> orders = orders(10);
        orders.forEach(order -> submit(batcher, order));

        // nothing ran yet: the first two orders each started a batch of their own, the other 8 wait
        assertEquals(List.of(1, 1), sizes());
        call(0).succeed(); // room for one more batch: it takes 3 of the 8
        assertEquals(List.of(1, 1, 3), sizes());
        call(1).succeed();
        call(2).succeed();
        assertEquals(List.of(1, 1, 3, 3, 2), sizes());
        call(3).succeed();
        call(4).succeed();

        assertEquals(5, calls.size(), "no batch was made of nothing");
        assertEquals(2, mostRunning.get(), "at most max-concurrent-batches at once");
        assertEveryOrderGotItsOwnOutcome(orders);
        assertEquals(orders, calls.stream().flatMap(c -> c.orders().stream()).toList(), "in arrival order");
    }

    @Test
    void aFailedBatchFailsOnlyTheCallersWhoseOrderFailsAgainOnItsOwn() {
        IntakeBatcher batcher = batcher(10, 1);
        List<NewOrder> orders = orders(5);
        orders.forEach(order -> submit(batcher, order));
        assertEquals(List.of(1), sizes());
        call(0).succeed();
        assertEquals(List.of(1, 4), sizes());

        // the batch of four fails as a whole: each of its orders is tried again alone, at once
        call(1).fail(new IllegalStateException("deadlock detected"));
        assertEquals(List.of(1, 4, 1, 1, 1, 1), sizes());
        IllegalStateException poisoned = new IllegalStateException("the third order's own trouble");
        call(2).succeed();
        call(3).fail(poisoned);
        call(4).succeed();
        call(5).succeed();

        assertEquals(Map.of(orders.get(2).id(), poisoned), failures);
        assertEquals(4, results.size());
        orders.stream().filter(o -> o != orders.get(2))
                .forEach(o -> assertEquals(outcomeOf(o), results.get(o.id())));

        // the batcher is free again: the next order gets a batch at once
        NewOrder later = orders(1).get(0);
        submit(batcher, later);
        call(6).succeed();
        assertEquals(outcomeOf(later), results.get(later.id()));
    }

    @Test
    void manyThreadsSubmittingAtOnceAreCoalescedAndEachCallerGetsItsOwnOutcome() throws InterruptedException {
        // the database answers every call at once, from the thread that made it
        AtomicInteger made = new AtomicInteger();
        AtomicInteger atOnce = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        List<Integer> batchSizes = java.util.Collections.synchronizedList(new ArrayList<>());
        IntakeBatcher batcher = new IntakeBatcher(batch -> Uni.createFrom().item(() -> {
            made.incrementAndGet();
            mostAtOnce.accumulateAndGet(atOnce.incrementAndGet(), Math::max);
            batchSizes.add(batch.size());
            Thread.yield();
            List<Placement> outcomes = batch.stream().map(IntakeBatcherTest::outcomeOf).toList();
            atOnce.decrementAndGet();
            return outcomes;
        }), 7, 3, new SimpleMeterRegistry());
        List<NewOrder> orders = orders(2_000);
        // outside Quarkus, SmallRye's context propagation (which Mutiny consults) sets itself up on first use, and
        // eight threads doing that at once trip over each other: let one order go first, then count afresh
        submit(batcher, orders(1).get(0));
        results.clear();
        batchSizes.clear();
        made.set(0);
        CountDownLatch done = new CountDownLatch(orders.size());
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            for (NewOrder order : orders) {
                threads.execute(() -> batcher.place(order).subscribe().with(outcome -> {
                    results.put(order.id(), outcome);
                    done.countDown();
                }, failure -> {
                    failures.put(order.id(), failure);
                    done.countDown();
                }));
            }
            assertTrue(done.await(30, TimeUnit.SECONDS), "every caller was answered");
        } finally {
            threads.shutdownNow();
        }
        assertEquals(Map.of(), failures);
        assertEveryOrderGotItsOwnOutcome(orders);
        assertEquals(orders.size(), batchSizes.stream().mapToInt(Integer::intValue).sum(), "each order placed once");
        assertTrue(batchSizes.stream().allMatch(size -> size >= 1 && size <= 7), "batches of 1 to 7: " + batchSizes);
        assertTrue(mostAtOnce.get() <= 3, "at most 3 batches at once, saw " + mostAtOnce.get());
        assertEquals(made.get(), batchSizes.size());
    }

    private void submit(IntakeBatcher batcher, NewOrder order) {
        batcher.place(order).subscribe().with(outcome -> results.put(order.id(), outcome),
                failure -> failures.put(order.id(), failure));
    }

    private Call call(int index) {
        synchronized (calls) {
            return calls.get(index);
        }
    }

    private List<Integer> sizes() {
        synchronized (calls) {
            return calls.stream().map(c -> c.orders().size()).toList();
        }
    }

    private void assertEveryOrderGotItsOwnOutcome(List<NewOrder> orders) {
        assertEquals(orders.size(), results.size());
        for (NewOrder order : orders) {
            assertEquals(outcomeOf(order), results.get(order.id()));
        }
    }

    private static List<NewOrder> orders(int count) {
        List<NewOrder> orders = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            orders.add(new NewOrder(UUID.randomUUID(), "web", null, BigDecimal.ONE, 2, "test", false));
        }
        return orders;
    }

    /** A placement that names its order (a record, so equal when it is this order's). */
    private static Placement outcomeOf(NewOrder order) {
        return new Placement.Duplicate(order.id());
    }
}
