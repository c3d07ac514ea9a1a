package io.ordo.messaging;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Section;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.ordo.common.OrdoException;
import io.ordo.common.PgErrors;
import io.ordo.common.StorableText;
import io.ordo.common.idempotency.IdempotencyService;
import io.ordo.common.idempotency.StoredResponse;
import io.ordo.order.OrderBodyReader;
import io.ordo.order.OrderDocument;
import io.ordo.order.OrderBodyRefused;
import io.ordo.order.OrderIntake;
import io.ordo.order.PlaceOrder;
import io.ordo.order.UnstorableOrder;
import io.ordo.security.Caller;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.amqp.OutgoingAmqpMetadata;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.amqp.AmqpMessage;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Orders from channels over AMQP ({@code ordo.orders.in}, received by {@link OrdersInReceiver}): each message body, as
 * raw bytes, is an order body with {@code channel}, read by the one {@link OrderBodyReader} and placed exactly like
 * {@code POST /v1/orders} with the message id as idempotency key. A shortage is a final answer,
 * announced as an {@code order.rejected} event; a malformed or otherwise refused message goes to the dead-letter
 * address {@code ordo.orders.in.dead} with the reason and is never redelivered. Only an unexpected failure (database
 * down) makes the broker redeliver, up to its own delivery limit.
 */
@ApplicationScoped
public class AmqpOrderIntake {
    private static final Logger LOG = Logger.getLogger(AmqpOrderIntake.class);
    /** Whose idempotency keys the message ids are. */
    static final Caller AMQP_CALLER = new Caller("amqp:ordo.orders.in", true, false, Optional.empty());
    /** Through the outbox's one writer (append_outbox_event), once per message id. */
    private static final String REJECTED = """
            SELECT append_outbox_event('order', $1, 1, 'order.rejected', $2)
             WHERE NOT EXISTS (SELECT 1 FROM outbox WHERE aggregate_id = $1 AND type = 'order.rejected')""";

    private final OrderIntake intake;
    private final OrderBodyReader reader;
    private final IdempotencyService idempotency;
    private final Pool pool;
    private final MutinyEmitter<JsonObject> deadLetters;
    private final MeterRegistry registry;

    public AmqpOrderIntake(OrderIntake intake, OrderBodyReader reader, IdempotencyService idempotency, Pool pool,
            @Channel("orders-dead") MutinyEmitter<JsonObject> deadLetters, MeterRegistry registry) {
        this.intake = intake;
        this.reader = reader;
        this.idempotency = idempotency;
        this.pool = pool;
        this.deadLetters = deadLetters;
        this.registry = registry;
    }

    /**
     * Places the order of one message (see {@link OrdersInReceiver}) and settles the message: accepted once the
     * outcome is final (placed, rejected, dead-lettered), modified as failed (the broker redelivers) otherwise.
     */
    public Uni<Void> receive(AmqpMessage message) {
        Context context = Vertx.currentContext();
        String messageId = message.id();
        return Uni.createFrom().deferred(() -> handle(messageId, message.getDelegate().unwrap().getBody()))
                .onItem().transformToUni(outcome -> {
                    registry.counter("ordo.intake.amqp", "outcome", outcome).increment();
                    return settle(context, message::accepted);
                })
                .onFailure().recoverWithUni(failure -> {
                    LOG.warnf("AMQP order %s could not be processed now (%s); the broker will redeliver it",
                            messageId, failure.toString());
                    registry.counter("ordo.intake.amqp", "outcome", "retry").increment();
                    return settle(context, () -> message.modified(true, false));
                });
    }

    /** Places the order of one message body; the item names the final outcome (accepted, rejected, dead-lettered). */
    Uni<String> handle(String messageId, Section section) {
        byte[] body = bytes(section);
        if (body == null) {
            return deadLetter(messageId, String.valueOf(section),
                    "the body must be JSON in a data section or a string value");
        }
        String text = new String(body, StandardCharsets.UTF_8);
        if (messageId == null || messageId.isBlank()) {
            return deadLetter(messageId, text, "the message has no message-id (it is the idempotency key)");
        }
        if (StorableText.refusal(messageId) != null) {
            return deadLetter(messageId, text, "message-id " + StorableText.refusal(messageId));
        }
        PlaceOrder order;
        try {
            order = reader.read(body);
        } catch (OrderBodyRefused refused) {
            return deadLetter(messageId, text, refused.reason());
        }
        if (order.channel() == null) {
            return deadLetter(messageId, text, "channel: must not be null");
        }
        return idempotency.outcome(AMQP_CALLER.subject(), AMQP_CALLER.idempotencyScope(), messageId, "AMQP ordo.orders.in", order,
                claim -> intake.place(order, AMQP_CALLER, claim).map(OrderDocument::created))
                .chain(outcome -> {
                    StoredResponse response = outcome.response();
                    if (response.status() == 201) {
                        return Uni.createFrom().item("accepted");
                    }
                    JsonObject problem = new JsonObject(response.body());
                    if ("urn:ordo:problem:insufficient-stock".equals(problem.getString("type"))) {
                        return announceRejection(messageId, order, problem).replaceWith("rejected");
                    }
                    if ("urn:ordo:problem:request-in-flight".equals(problem.getString("type"))) {
                        return Uni.createFrom().item("duplicate-delivery");
                    }
                    return deadLetter(messageId, text, describeStored(problem));
                })
                // a client's mistake found before the action ran (a message-id that is no idempotency key...)
                .onFailure(OrdoException.class).recoverWithUni(refusal -> deadLetter(messageId, text,
                        ((OrdoException) refusal).toProblem().getTitle() + ": " + refusal.getMessage()))
                .onFailure(PgErrors::isDataException).recoverWithUni(refusal -> deadLetter(messageId, text,
                        new UnstorableOrder().getMessage()));
    }

    private Uni<Void> announceRejection(String messageId, PlaceOrder order, JsonObject problem) {
        UUID subject = UUID.nameUUIDFromBytes(("amqp:" + messageId).getBytes(StandardCharsets.UTF_8));
        JsonObject data = new JsonObject()
                .put("channel", order.channel())
                .put("externalId", order.externalId())
                .put("messageId", messageId)
                .put("reason", "insufficient-stock")
                .put("shortages", problem.getJsonArray("shortages", new JsonArray()));
        return pool.preparedQuery(REJECTED).execute(Tuple.of(subject, data)).replaceWithVoid();
    }

    private Uni<String> deadLetter(String messageId, String body, String reason) {
        LOG.warnf("AMQP order %s rejected to ordo.orders.in.dead: %s", messageId, reason);
        JsonObject letter = new JsonObject().put("messageId", messageId).put("reason", reason).put("body", body);
        OutgoingAmqpMetadata metadata = OutgoingAmqpMetadata.builder()
                .withDurable(true)
                .withApplicationProperty("ordo-reason", reason)
                .withApplicationProperty("ordo-original-message-id", messageId == null ? "" : messageId)
                .build();
        return deadLetters.sendMessage(Message.of(letter).addMetadata(metadata)).replaceWith("dead-lettered");
    }

    /** A stored problem as a reason: its title, detail and the fields it names. */
    private static String describeStored(JsonObject problem) {
        StringBuilder reason = new StringBuilder(problem.getString("title")).append(": ")
                .append(problem.getString("detail"));
        JsonArray errors = problem.getJsonArray("errors", new JsonArray());
        for (int i = 0; i < errors.size(); i++) {
            JsonObject error = errors.getJsonObject(i);
            reason.append(i == 0 ? ": " : " ").append(error.getString("field")).append(' ')
                    .append(error.getString("message")).append(';');
        }
        return reason.toString();
    }

    /** The body's bytes: a data section as sent, a string value as UTF-8; null for any other kind of body. */
    private static byte[] bytes(Section section) {
        if (section == null) {
            return new byte[0];
        }
        Object value = section instanceof AmqpValue amqpValue ? amqpValue.getValue()
                : section instanceof Data data ? data.getValue() : section;
        if (value instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        if (value instanceof Binary binary) {
            byte[] bytes = new byte[binary.getLength()];
            System.arraycopy(binary.getArray(), binary.getArrayOffset(), bytes, 0, binary.getLength());
            return bytes;
        }
        return value == null ? new byte[0] : null;
    }

    /** Settles on the connection's event loop, the only thread the AMQP client may be used from. */
    private static Uni<Void> settle(Context context, Runnable settlement) {
        return Uni.createFrom().emitter(done -> {
            if (context == null || context == Vertx.currentContext()) {
                settlement.run();
                done.complete(null);
            } else {
                context.runOnContext(ignored -> {
                    settlement.run();
                    done.complete(null);
                });
            }
        });
    }
}
