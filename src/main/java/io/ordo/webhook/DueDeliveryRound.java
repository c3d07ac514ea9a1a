package io.ordo.webhook;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * One round of due deliveries for an external tick ({@link DeliveryWorker#deliverDue(long)}), apart from the worker's
 * own loop so that it also runs where the worker is disabled and answers only once its outcomes are written. It claims
 * due deliveries a batch at a time while batches come back full, sends each endpoint's at most
 * {@code max-in-flight-per-endpoint} at a time, and writes the outcomes of a batch before claiming the next. Claims
 * that could not start within the lease's start window are given back, as the worker does; no batch is claimed once
 * that window has passed since the round began, nor after the tick's deadline: a round lasts at most about the
 * earlier of the two plus one timeout.
 */
final class DueDeliveryRound {
    private final DeliveryStore store;
    private final DeliverySender sender;
    private final OutcomeWriter writer;
    private final int batchSize;
    private final int perEndpoint;
    private final Duration lease;
    private final Duration startWithin;

    DueDeliveryRound(DeliveryStore store, DeliverySender sender, OutcomeWriter writer, int batchSize, int perEndpoint,
            Duration lease, Duration startWithin) {
        this.store = store;
        this.sender = sender;
        this.writer = writer;
        this.batchSize = batchSize;
        this.perEndpoint = perEndpoint;
        this.lease = lease;
        this.startWithin = startWithin;
    }

    /** Sends what is due, claiming no batch after {@code deadlineNanos}; the number of attempts made. */
    Uni<Integer> run(long deadlineNanos) {
        long windowEnds = System.nanoTime() + startWithin.toNanos();
        return batches(deadlineNanos - windowEnds < 0 ? deadlineNanos : windowEnds);
    }

    private Uni<Integer> batches(long roundEndsBy) {
        return store.claimDueDeliveries(batchSize, lease, List.of()).chain(claimed -> send(claimed)
                .chain(sent -> claimed.size() == batchSize && System.nanoTime() - roundEndsBy < 0
                        ? batches(roundEndsBy).map(more -> sent + more)
                        : Uni.createFrom().item(sent)));
    }

    private Uni<Integer> send(List<DueDelivery> claimed) {
        if (claimed.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        long startBy = System.nanoTime() + startWithin.toNanos();
        Map<UUID, List<DueDelivery>> byEndpoint = new LinkedHashMap<>();
        claimed.forEach(d -> byEndpoint.computeIfAbsent(d.subscriptionId(), id -> new ArrayList<>()).add(d));
        List<DueDelivery> lapsed = Collections.synchronizedList(new ArrayList<>());
        List<Multi<Attempt>> endpoints = byEndpoint.values().stream()
                .map(deliveries -> Multi.createFrom().iterable(deliveries).onItem()
                        .transformToUni(d -> startInTime(d, startBy, lapsed)).merge(perEndpoint))
                .toList();
        return Multi.createBy().merging().streams(endpoints).collect().asList()
                .chain(attempts -> (attempts.isEmpty() ? Uni.createFrom().voidItem() : writer.recordNow(attempts))
                        .chain(() -> lapsed.isEmpty() ? Uni.createFrom().item(0) : store.release(lapsed))
                        .replaceWith(attempts.size()));
    }

    /** The attempt, or nothing (and the claim set aside to be given back) when it can no longer start in time. */
    private Uni<Attempt> startInTime(DueDelivery delivery, long startBy, List<DueDelivery> lapsed) {
        if (System.nanoTime() > startBy) {
            lapsed.add(delivery);
            return Uni.createFrom().nullItem();
        }
        return sender.attempt(delivery);
    }
}
