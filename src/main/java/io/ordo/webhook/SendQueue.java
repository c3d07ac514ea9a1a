package io.ordo.webhook;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One worker's claimed deliveries waiting for a sending slot, per endpoint (subscription), taken in turn: an endpoint
 * has at most {@code perEndpoint} attempts on the wire. An endpoint is <em>congested</em> when its oldest waiting
 * delivery has waited more than {@link #CONGESTED_AFTER} (it answers slowly) or it holds {@link #HELD_FACTOR} times
 * {@code perEndpoint} (queued or on the wire): the worker claims nothing more for it until it catches up, so its
 * deliveries wait in the database rather than in front of everybody else's. A busy endpoint that answers quickly is
 * not congested: a relay batch of a few hundred of its deliveries drains in well under a second. Thread-safe (every
 * method holds the lock briefly).
 */
final class SendQueue {
    static final long CONGESTED_AFTER = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
    static final int HELD_FACTOR = 16;

    /** A claimed delivery, when it was queued and by when its attempt must start ({@link System#nanoTime()}). */
    record Ready(DueDelivery delivery, long queuedAt, long startBy) {
    }

    /** Room for more claims per endpoint: {@code rooms[i]} for {@code ids[i]}, {@code other} for the rest. */
    record Rooms(UUID[] ids, Integer[] rooms, int other) {
    }

    private static final class Endpoint {
        final UUID id;
        final ArrayDeque<Ready> waiting = new ArrayDeque<>();
        int sending;
        boolean inTurn;

        Endpoint(UUID id) {
            this.id = id;
        }

        int held() {
            return waiting.size() + sending;
        }

        boolean congested(int perEndpoint, long now) {
            Ready oldest = waiting.peek();
            return held() >= HELD_FACTOR * perEndpoint
                    || oldest != null && now - oldest.queuedAt() > CONGESTED_AFTER;
        }
    }

    private final int perEndpoint;
    private final Map<UUID, Endpoint> endpoints = new HashMap<>();
    /** Endpoints with a waiting delivery and a free slot, each at most once, in the order they get their turn. */
    private final ArrayDeque<Endpoint> turns = new ArrayDeque<>();
    private int queued;

    SendQueue(int perEndpoint) {
        this.perEndpoint = perEndpoint;
    }

    synchronized void add(DueDelivery delivery, long startBy) {
        Endpoint endpoint = endpoints.computeIfAbsent(delivery.subscriptionId(), Endpoint::new);
        endpoint.waiting.add(new Ready(delivery, System.nanoTime(), startBy));
        queued++;
        offerTurn(endpoint);
    }

    /**
     * Takes up to {@code slots} deliveries to send now, one endpoint after the other; those whose start-by time has
     * passed go to {@code lapsed} instead (they take no slot).
     */
    synchronized List<DueDelivery> take(int slots, long now, List<DueDelivery> lapsed) {
        List<DueDelivery> send = new ArrayList<>();
        while (send.size() < slots && !turns.isEmpty()) {
            Endpoint endpoint = turns.poll();
            endpoint.inTurn = false;
            Ready next = endpoint.waiting.poll();
            queued--;
            if (now - next.startBy() > 0) {
                lapsed.add(next.delivery());
            } else {
                endpoint.sending++;
                send.add(next.delivery());
            }
            offerTurn(endpoint);
            forgetIfIdle(endpoint);
        }
        return send;
    }

    /** An attempt to {@code subscription} is over: its slot is free. */
    synchronized void sent(UUID subscription) {
        Endpoint endpoint = endpoints.get(subscription);
        if (endpoint != null) {
            endpoint.sending--;
            offerTurn(endpoint);
            forgetIfIdle(endpoint);
        }
    }

    synchronized int queued() {
        return queued;
    }

    /** Deliveries waiting for endpoints that are not congested. */
    synchronized int queuedForOpenEndpoints() {
        long now = System.nanoTime();
        int open = 0;
        for (Endpoint endpoint : endpoints.values()) {
            if (!endpoint.congested(perEndpoint, now)) {
                open += endpoint.waiting.size();
            }
        }
        return open;
    }

    /** Endpoints to claim nothing for now. */
    synchronized List<UUID> congested() {
        long now = System.nanoTime();
        List<UUID> congested = new ArrayList<>();
        for (Endpoint endpoint : endpoints.values()) {
            if (endpoint.congested(perEndpoint, now)) {
                congested.add(endpoint.id);
            }
        }
        return congested;
    }

    synchronized Rooms rooms() {
        long now = System.nanoTime();
        UUID[] ids = new UUID[endpoints.size()];
        Integer[] rooms = new Integer[endpoints.size()];
        int i = 0;
        for (Endpoint endpoint : endpoints.values()) {
            ids[i] = endpoint.id;
            rooms[i++] = endpoint.congested(perEndpoint, now) ? 0
                    : Math.max(0, HELD_FACTOR * perEndpoint - endpoint.held());
        }
        return new Rooms(ids, rooms, HELD_FACTOR * perEndpoint);
    }

    private void offerTurn(Endpoint endpoint) {
        if (!endpoint.inTurn && !endpoint.waiting.isEmpty() && endpoint.sending < perEndpoint) {
            endpoint.inTurn = true;
            turns.add(endpoint);
        }
    }

    private void forgetIfIdle(Endpoint endpoint) {
        if (endpoint.held() == 0) {
            endpoints.remove(endpoint.id);
        }
    }
}
