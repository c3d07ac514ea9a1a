package io.ordo.messaging;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.ordo.common.Problem;
import io.ordo.common.ProblemMappers;
import io.ordo.common.idempotency.IdempotencyService;
import io.ordo.common.idempotency.StoredResponse;
import io.ordo.order.OrderIntake;
import io.ordo.order.PlaceOrder;
import io.ordo.security.Caller;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.amqp.IncomingAmqpMetadata;
import io.smallrye.reactive.messaging.amqp.OutgoingAmqpMetadata;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Orders from channels over AMQP ({@code ordo.orders.in}): each message body is an order body with {@code channel},
 * placed exactly like {@code POST /v1/orders} with the message id as idempotency key. A shortage is a final answer,
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
    private final IdempotencyService idempotency;
    private final ObjectMapper json;
    private final Validator validator;
    private final Pool pool;
    private final MutinyEmitter<JsonObject> deadLetters;
    private final MeterRegistry registry;
    private final InFlightWindow window;

    public AmqpOrderIntake(OrderIntake intake, IdempotencyService idempotency, ObjectMapper json, Validator validator,
            Pool pool, @Channel("orders-dead") MutinyEmitter<JsonObject> deadLetters, MeterRegistry registry,
            io.ordo.order.IntakeConfig config) {
        this.intake = intake;
        this.idempotency = idempotency;
        this.json = json;
        this.validator = validator;
        this.pool = pool;
        this.deadLetters = deadLetters;
        this.registry = registry;
        this.window = new InFlightWindow(config.amqpInFlight());
        registry.gauge("ordo.intake.amqp.in.flight", window, InFlightWindow::inFlight);
    }

    /**
     * One receiver (one connection, one consumer on the broker) with up to {@code ordo.intake.amqp-in-flight} messages
     * in progress: the returned Uni completes when there is room for the next message, not when this one is settled.
     */
    @Incoming("orders-in")
    public Uni<Void> receive(Message<?> message) {
        return window.admit(() -> process(message));
    }

    /** Places the message's order, then acks it; a failure that may pass (database down) nacks it for redelivery. */
    private Uni<Void> process(Message<?> message) {
        String messageId = message.getMetadata(IncomingAmqpMetadata.class).map(IncomingAmqpMetadata::getId).orElse(null);
        return Uni.createFrom().deferred(() -> handle(messageId, message.getPayload()))
                .onItem().transformToUni(outcome -> {
                    registry.counter("ordo.intake.amqp", "outcome", outcome).increment();
                    return Uni.createFrom().completionStage(message.ack());
                })
                .onFailure().recoverWithUni(failure -> {
                    LOG.warnf("AMQP order %s could not be processed now (%s); the broker will redeliver it",
                            messageId, failure.toString());
                    registry.counter("ordo.intake.amqp", "outcome", "retry").increment();
                    CompletionStage<Void> nack = message.nack(failure);
                    return Uni.createFrom().completionStage(nack);
                });
    }

    /** Places the order of one message; the item names the final outcome (accepted, rejected, dead-lettered). */
    Uni<String> handle(String messageId, Object payload) {
        String body = bodyText(payload);
        if (messageId == null || messageId.isBlank()) {
            return deadLetter(messageId, body, "the message has no message-id (it is the idempotency key)");
        }
        PlaceOrder order;
        try {
            order = json.readValue(body, PlaceOrder.class);
        } catch (JsonProcessingException e) {
            return deadLetter(messageId, body, describe(ProblemMappers.jsonProblem(e)));
        }
        if (order == null) {
            return deadLetter(messageId, body, "the body is not an order");
        }
        Set<ConstraintViolation<PlaceOrder>> violations = validator.validate(order);
        if (!violations.isEmpty()) {
            return deadLetter(messageId, body, describe(ProblemMappers.violationsProblem(violations)));
        }
        if (order.channel() == null) {
            return deadLetter(messageId, body, "channel: must not be null");
        }
        return idempotency.outcome(AMQP_CALLER.subject(), AMQP_CALLER.idempotencyScope(), messageId, "AMQP ordo.orders.in", order,
                claim -> intake.place(order, AMQP_CALLER, claim).map(view -> new StoredResponse(201, idempotency.write(view),
                        "application/json", java.util.Map.of())))
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
                    return deadLetter(messageId, body, problem.getString("title") + ": " + problem.getString("detail"));
                });
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

    private static String describe(Problem problem) {
        if (problem.getErrors() == null) {
            return problem.getDetail();
        }
        StringBuilder reason = new StringBuilder(problem.getDetail()).append(':');
        problem.getErrors().forEach(e -> reason.append(' ').append(e.field()).append(' ').append(e.message()).append(';'));
        return reason.toString();
    }

    private static String bodyText(Object payload) {
        if (payload == null) {
            return "";
        }
        if (payload instanceof String text) {
            return text;
        }
        if (payload instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (payload instanceof Buffer buffer) {
            return buffer.toString(StandardCharsets.UTF_8);
        }
        if (payload instanceof io.vertx.mutiny.core.buffer.Buffer buffer) {
            return buffer.toString(StandardCharsets.UTF_8);
        }
        if (payload instanceof JsonObject object) {
            return object.encode();
        }
        if (payload instanceof JsonArray array) {
            return array.encode();
        }
        return String.valueOf(payload);
    }
}
