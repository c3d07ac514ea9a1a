package io.ordo.order;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.ordo.common.PgErrors;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Coalesces concurrent order placements into batches: while {@code maxConcurrentBatches} database calls run, new
 * orders queue, and each finished call takes everything queued (up to {@code maxBatchSize}) into the next one. Under
 * load many orders share one round trip and one commit, and a hot SKU's row is locked once per batch instead of once
 * per order; at low load a batch is a single order and nothing waits. Each order still stands or falls alone.
 */
@ApplicationScoped
public class IntakeBatcher {
    private static final Logger LOG = Logger.getLogger(IntakeBatcher.class);

    private record Pending(NewOrder order, UniEmitter<? super Placement> emitter, Context context) {
    }

    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger running = new AtomicInteger();
    /** Places a batch in one database call: one outcome per order, in order. */
    private final Function<List<NewOrder>, Uni<List<Placement>>> placeBatch;
    private final int maxBatchSize;
    private final int maxConcurrentBatches;
    private final DistributionSummary batchSizes;

    @Inject
    public IntakeBatcher(OrderRepository orders, IntakeConfig config, MeterRegistry registry) {
        this(orders::placeBatch, config.maxBatchSize(), config.maxConcurrentBatches(), registry);
    }

    /** A batcher over any batch placement (unit tests). */
    IntakeBatcher(Function<List<NewOrder>, Uni<List<Placement>>> placeBatch, int maxBatchSize,
            int maxConcurrentBatches, MeterRegistry registry) {
        this.placeBatch = placeBatch;
        this.maxBatchSize = maxBatchSize;
        this.maxConcurrentBatches = maxConcurrentBatches;
        this.batchSizes = DistributionSummary.builder("ordo.intake.batch.size")
                .description("Orders placed per database call").register(registry);
        registry.gauge("ordo.intake.queued", queue, ConcurrentLinkedQueue::size);
    }

    /** What the {@code place_order} SQL function answered for this order. */
    public Uni<Placement> place(NewOrder order) {
        return Uni.createFrom().emitter(emitter -> {
            queue.add(new Pending(order, emitter, Vertx.currentContext()));
            drain();
        });
    }

    private void drain() {
        while (!queue.isEmpty()) {
            int current = running.get();
            if (current >= maxConcurrentBatches) {
                return; // a running batch drains again when it finishes
            }
            if (!running.compareAndSet(current, current + 1)) {
                continue;
            }
            List<Pending> batch = new ArrayList<>();
            Pending next;
            while (batch.size() < maxBatchSize && (next = queue.poll()) != null) {
                batch.add(next);
            }
            if (batch.isEmpty()) {
                running.decrementAndGet();
                continue;
            }
            batchSizes.record(batch.size());
            placeBatch.apply(batch.stream().map(Pending::order).toList())
                    .subscribe().with(
                            outcomes -> {
                                for (int i = 0; i < batch.size(); i++) {
                                    complete(batch.get(i), outcomes.get(i));
                                }
                                finished();
                            },
                            failure -> {
                                retryAlone(batch, failure);
                                finished();
                            });
        }
    }

    private void finished() {
        running.decrementAndGet();
        drain();
    }

    /**
     * A batch failed as a whole (a deadlock with a concurrent duplicate, a lost connection...): place each of its
     * orders on its own, so that one order's trouble is not everyone's. An order that fails alone on a value the
     * database refuses is the client's mistake ({@link UnstorableOrder}), never retried.
     */
    private void retryAlone(List<Pending> batch, Throwable failure) {
        if (batch.size() > 1) {
            LOG.warnf("a batch of %d orders failed (%s); placing them one by one", batch.size(), failure.toString());
        }
        for (Pending pending : batch) {
            placeBatch.apply(List.of(pending.order())).subscribe().with(
                    outcomes -> complete(pending, outcomes.get(0)),
                    second -> fail(pending, PgErrors.isDataException(second) ? new UnstorableOrder() : second));
        }
    }

    private static void complete(Pending pending, Placement outcome) {
        onContext(pending, () -> pending.emitter().complete(outcome));
    }

    private static void fail(Pending pending, Throwable failure) {
        onContext(pending, () -> pending.emitter().fail(failure));
    }

    /** Resumes each request on the event loop it came from. */
    private static void onContext(Pending pending, Runnable action) {
        if (pending.context() == null || pending.context() == Vertx.currentContext()) {
            action.run();
        } else {
            pending.context().runOnContext(ignored -> action.run());
        }
    }
}
