package io.ordo.messaging;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.amqp.AmqpClient;
import io.vertx.amqp.AmqpClientOptions;
import io.vertx.amqp.AmqpConnection;
import io.vertx.amqp.AmqpMessage;
import io.vertx.amqp.AmqpSender;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * The one AMQP link (one connection, one sender) to {@code ordo.order-events}, built on the Vert.x AMQP client.
 *
 * <p>Why not the SmallRye connector's {@code order-events} channel: with send retries on, every in-flight send of a
 * dropped connection retried on its own, and each retry that found no connection opened one
 * ({@code ConnectionHolder.getOrEstablishConnection} checks, then connects); when the broker came back all of them
 * connected, one was kept and the others stayed open for ever (issue 20 item 3: hundreds of connections after an
 * outage under load). Here:
 * <ul>
 * <li>all state lives on one Vert.x event-loop context, so there are no races: at most one connection attempt runs,
 * and every caller during it waits for that attempt;</li>
 * <li>after a failed attempt, callers fail at once for {@link #BACK_OFF_MILLIS} instead of opening another, and one
 * timer tries again (so the link, and its health, come back while no event is waiting);</li>
 * <li>on a disconnect (or the sender detached) the link is dropped, its connection closed, and every unacknowledged
 * send fails, so the relay offers the batch again (at least once, keyed by the CloudEvent id);</li>
 * <li>an outage is logged once when it starts and once when the link is back.</li>
 * </ul>
 */
@ApplicationScoped
public class OrderEventsLink {
    private static final Logger LOG = Logger.getLogger(OrderEventsLink.class);
    public static final String ADDRESS = "ordo.order-events";
    /** Pause after a failed connection attempt; meanwhile sends fail at once. */
    static final long BACK_OFF_MILLIS = 1_000;
    /** A connection attempt (TCP, SASL, open, sender attach) that has not finished by then is given up. */
    static final long ATTEMPT_TIMEOUT_MILLIS = 5_000;
    /** Messages handed to the sender per event-loop turn, so a large batch does not hold the event loop. */
    static final int MAX_SENDS_PER_TURN = 100;
    /**
     * Unacknowledged messages beyond which new sends are refused: a broker that grants no credit (a full address
     * blocking producers) must not make every re-offered batch pile up in memory.
     */
    static final int MAX_UNACKNOWLEDGED = 4_096;

    /** The connection and its sender, with the sends it has not had an answer for. */
    private record Link(AmqpConnection connection, AmqpSender sender, Set<Promise<Void>> unacknowledged) {
    }

    private final Vertx vertx;
    private final AmqpClientOptions options;
    // --- state, touched only on `context` --------------------------------------------------------------------------
    private Context context;
    private AmqpClient client;
    /** The link, or the attempt that will give it; null when there is none. */
    private Future<Link> link;
    private long retryAt;
    private long retryTimer = -1;
    private long downSince = -1;
    private boolean closed;
    /** What /q/health/well shows: null when the link is up, else why not. */
    private volatile String problem = "not connected yet";

    public OrderEventsLink(io.vertx.mutiny.core.Vertx vertx,
            @ConfigProperty(name = "amqp-host", defaultValue = "localhost") String host,
            @ConfigProperty(name = "amqp-port", defaultValue = "5672") int port,
            @ConfigProperty(name = "amqp-username") Optional<String> username,
            @ConfigProperty(name = "amqp-password") Optional<String> password) {
        this.vertx = vertx.getDelegate();
        this.options = new AmqpClientOptions().setHost(host).setPort(port)
                .setUsername(username.orElse(null)).setPassword(password.orElse(null));
        options.setConnectTimeout(2_000);
        // a silent peer (half-open connection) is noticed: each side must send something within this time
        options.setHeartbeat(30_000);
        options.setReconnectAttempts(0);
    }

    void start(@Observes StartupEvent event) {
        // startup observers run outside the event loops: this makes a context of our own on one event loop
        context = vertx.getOrCreateContext();
        context.runOnContext(v -> {
            client = AmqpClient.create(vertx, options);
            current();
        });
    }

    void stop(@Observes ShutdownEvent event) {
        if (context == null) {
            return;
        }
        context.runOnContext(v -> {
            closed = true;
            problem = "shut down";
            if (retryTimer >= 0) {
                vertx.cancelTimer(retryTimer);
            }
            if (link != null && link.succeeded()) {
                drop(link.result(), new BrokerUnavailable("the application is shutting down"));
            }
            link = null;
            if (client != null) {
                client.close();
            }
        });
    }

    /** Null when the link is up; otherwise why it is not. */
    public String problem() {
        return problem;
    }

    /**
     * Sends {@code items} in order, encoded with {@code encode}, at most {@link #MAX_SENDS_PER_TURN} per event-loop
     * turn and all pipelined; completes when the broker accepted every one, fails as soon as one is refused or the
     * link is lost (or cannot be had).
     */
    public <T> Uni<Void> sendAll(List<T> items, Function<T, AmqpMessage> encode) {
        if (items.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().completionStage(() -> {
            Promise<Void> done = Promise.promise();
            Context ctx = context;
            if (ctx == null) {
                return Future.<Void>failedFuture(new BrokerUnavailable("not started")).toCompletionStage();
            }
            ctx.runOnContext(v -> current().onComplete(ar -> {
                if (ar.failed()) {
                    done.fail(ar.cause());
                } else if (ar.result().unacknowledged().size() >= MAX_UNACKNOWLEDGED) {
                    done.fail(new BrokerUnavailable(ar.result().unacknowledged().size()
                            + " messages wait for the broker's acknowledgement"));
                } else {
                    List<Future<Void>> acks = new ArrayList<>(items.size());
                    handOver(ar.result(), items, encode, 0, acks, done);
                }
            }));
            return done.future().toCompletionStage();
        });
    }

    /** Hands items[from, from + MAX_SENDS_PER_TURN) to the sender, the rest on later turns. On the context. */
    private <T> void handOver(Link current, List<T> items, Function<T, AmqpMessage> encode, int from,
            List<Future<Void>> acks, Promise<Void> done) {
        if (link == null || !link.succeeded() || link.result() != current) {
            done.tryFail(new BrokerUnavailable("the link to " + ADDRESS + " was lost"));
            return;
        }
        int to = Math.min(items.size(), from + MAX_SENDS_PER_TURN);
        try {
            for (int i = from; i < to; i++) {
                acks.add(send(current, encode.apply(items.get(i))));
            }
        } catch (RuntimeException e) {
            done.tryFail(e);
            return;
        }
        if (to < items.size()) {
            context.runOnContext(v -> handOver(current, items, encode, to, acks, done));
        } else {
            Future.all(acks).onComplete(ar -> {
                if (ar.succeeded()) {
                    done.tryComplete();
                } else {
                    done.tryFail(ar.cause());
                }
            });
        }
    }

    private Future<Void> send(Link current, AmqpMessage message) {
        Promise<Void> ack = Promise.promise();
        current.unacknowledged().add(ack);
        current.sender().sendWithAck(message, ar -> {
            current.unacknowledged().remove(ack);
            if (ar.succeeded()) {
                ack.tryComplete();
            } else {
                ack.tryFail(ar.cause());
            }
        });
        return ack.future();
    }

    /** The link, the attempt under way, a new attempt, or (within the back-off) a failure. On the context. */
    private Future<Link> current() {
        if (closed) {
            return Future.failedFuture(new BrokerUnavailable("the application is shutting down"));
        }
        if (link != null) {
            if (link.succeeded() && link.result().connection().isDisconnected()) {
                drop(link.result(), new BrokerUnavailable("the connection to the broker is gone"));
            } else {
                return link;
            }
        }
        if (System.currentTimeMillis() < retryAt) {
            return Future.failedFuture(new BrokerUnavailable(problem));
        }
        Promise<Link> attempt = Promise.promise();
        link = attempt.future();
        long timeout = vertx.setTimer(ATTEMPT_TIMEOUT_MILLIS,
                t -> attempt.tryFail(new BrokerUnavailable("no connection within " + ATTEMPT_TIMEOUT_MILLIS + " ms")));
        client.connect().onComplete(connected -> {
            if (connected.failed()) {
                attempt.tryFail(connected.cause());
                return;
            }
            AmqpConnection connection = connected.result();
            if (attempt.future().isComplete()) { // timed out (or shut down) meanwhile: this one is not wanted
                connection.close();
                return;
            }
            attempt.future().onFailure(e -> connection.close());
            connection.exceptionHandler(e -> attempt.tryFail(e));
            connection.createSender(ADDRESS).onComplete(created -> {
                if (created.failed()) {
                    attempt.tryFail(created.cause());
                } else if (!attempt.tryComplete(new Link(connection, created.result(), new HashSet<>()))) {
                    connection.close(); // timed out meanwhile
                }
            });
        });
        attempt.future().onComplete(ar -> {
            vertx.cancelTimer(timeout);
            if (link != attempt.future()) {
                if (ar.succeeded()) { // shut down meanwhile
                    drop(ar.result(), new BrokerUnavailable("the application is shutting down"));
                }
                return;
            }
            if (ar.succeeded()) {
                up(ar.result());
            } else {
                link = null;
                failed(ar.cause());
            }
        });
        return attempt.future();
    }

    private void up(Link current) {
        current.connection().exceptionHandler(e -> lost(current, e));
        current.sender().exceptionHandler(e -> lost(current, e));
        problem = null;
        retryAt = 0;
        if (downSince >= 0) {
            LOG.infof("AMQP link to %s is up again (down %d ms)", ADDRESS, System.currentTimeMillis() - downSince);
            downSince = -1;
        } else {
            LOG.debugf("AMQP link to %s is up", ADDRESS);
        }
    }

    private void failed(Throwable cause) {
        problem = "cannot connect: " + cause.getMessage();
        retryAt = System.currentTimeMillis() + BACK_OFF_MILLIS;
        if (downSince < 0) {
            downSince = System.currentTimeMillis();
            LOG.warnf("AMQP link to %s cannot be established (%s); events wait in the outbox, retrying every %d ms",
                    ADDRESS, cause.getMessage(), BACK_OFF_MILLIS);
        } else {
            LOG.debugf("AMQP link to %s: attempt failed (%s)", ADDRESS, cause.getMessage());
        }
        scheduleRetry();
    }

    private void lost(Link current, Throwable cause) {
        if (link == null || !link.succeeded() || link.result() != current) {
            return;
        }
        drop(current, new BrokerUnavailable("the link to " + ADDRESS + " was lost: " + cause.getMessage()));
        problem = "link lost: " + cause.getMessage();
        if (downSince < 0) {
            downSince = System.currentTimeMillis();
            LOG.warnf("AMQP link to %s lost (%s); events wait in the outbox, reconnecting", ADDRESS, cause.getMessage());
        }
        scheduleRetry();
    }

    /** Forgets the link, closes its connection and fails what it had not had an answer for. On the context. */
    private void drop(Link current, BrokerUnavailable reason) {
        if (link != null && link.succeeded() && link.result() == current) {
            link = null;
        }
        problem = reason.getMessage();
        List<Promise<Void>> pending = List.copyOf(current.unacknowledged());
        current.unacknowledged().clear();
        pending.forEach(p -> p.tryFail(reason));
        current.connection().close();
    }

    private void scheduleRetry() {
        if (closed || retryTimer >= 0) {
            return;
        }
        long delay = Math.max(1, retryAt - System.currentTimeMillis());
        retryTimer = vertx.setTimer(delay, t -> context.runOnContext(v -> {
            retryTimer = -1;
            if (!closed && link == null) {
                current();
            }
        }));
    }

    /** The link to the broker is down or cannot be had now; the batch stays in the outbox. */
    public static final class BrokerUnavailable extends RuntimeException {
        BrokerUnavailable(String message) {
            super(message, null, false, false);
        }
    }
}
