package io.ordo.support;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.awaitility.Awaitility;

import io.vertx.amqp.AmqpClient;
import io.vertx.amqp.AmqpClientOptions;
import io.vertx.amqp.AmqpConnection;
import io.vertx.amqp.AmqpMessage;
import io.vertx.amqp.AmqpReceiver;
import io.vertx.amqp.AmqpReceiverOptions;
import io.vertx.amqp.AmqpSender;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * A real AMQP 1.0 client (Vert.x AMQP, independent of the service's SmallRye connector) that consumes an address and
 * keeps every message it got, or sends messages. It reconnects on demand, so it survives broker outages in tests.
 */
public final class AmqpPeer implements AutoCloseable {
    /** One received message: its application properties, content type, message id and body. */
    public record Received(Map<String, Object> properties, String contentType, String messageId, String body) {
        public Object property(String name) {
            return properties.get(name);
        }

        public JsonObject json() {
            return new JsonObject(body);
        }
    }

    private static final Vertx VERTX = Vertx.vertx();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final String address;
    private volatile AmqpClient client;

    private AmqpPeer(String address) {
        this.address = address;
    }

    private static AmqpPeer orderEvents;

    /**
     * The one consumer of {@code ordo.order-events} in this JVM (an anycast queue: two consumers would split the
     * messages between them).
     */
    public static synchronized AmqpPeer orderEvents() {
        if (orderEvents == null) {
            orderEvents = consuming("ordo.order-events");
        }
        return orderEvents;
    }

    /** Starts consuming {@code address} (an anycast queue on the test broker). */
    public static AmqpPeer consuming(String address) {
        AmqpPeer peer = new AmqpPeer(address);
        peer.connectReceiver();
        return peer;
    }

    public static void send(String address, String messageId, String body) {
        AmqpClient client = AmqpClient.create(VERTX, options());
        try {
            AmqpConnection connection = await(client.connect());
            AmqpSender sender = await(connection.createSender(address));
            io.vertx.amqp.AmqpMessageBuilder message = AmqpMessage.create().withBody(body).contentType("application/json").durable(true);
            if (messageId != null) {
                message.id(messageId);
            }
            await(sender.sendWithAck(message.build()));
        } finally {
            await(client.close());
        }
    }

    /** One message to send: its id and its body, sent as one data section (raw bytes, as a client library does). */
    public record Outgoing(String messageId, byte[] body) {
    }

    /**
     * Sends every message over one connection, each as a data section with {@code content-type: application/json}
     * (whatever the bytes are), and waits until the broker accepted them all.
     */
    public static void sendData(String address, List<Outgoing> messages) {
        AmqpClient client = AmqpClient.create(VERTX, options());
        try {
            AmqpConnection connection = await(client.connect());
            AmqpSender sender = await(connection.createSender(address));
            List<io.vertx.core.Future<Void>> sent = new java.util.ArrayList<>();
            for (Outgoing message : messages) {
                sent.add(sender.sendWithAck(AmqpMessage.create().id(message.messageId())
                        .withBufferAsBody(io.vertx.core.buffer.Buffer.buffer(message.body()))
                        .contentType("application/json").durable(true).build()));
            }
            await(io.vertx.core.Future.all(sent));
        } finally {
            await(client.close());
        }
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public List<Received> matching(Predicate<Received> filter) {
        return received.stream().filter(filter).toList();
    }

    /** Waits until {@code count} messages match, reconnecting if the broker went away meanwhile. */
    public List<Received> awaitMatching(Predicate<Received> filter, int count, Duration timeout) {
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (client == null) {
                connectReceiver();
            }
            return matching(filter).size() >= count;
        });
        return matching(filter);
    }

    /** Drops the connection (before a broker outage); the next await reconnects. */
    public void disconnect() {
        AmqpClient current = client;
        client = null;
        if (current != null) {
            try {
                await(current.close());
            } catch (RuntimeException ignored) {
                // the broker may already be gone
            }
        }
    }

    private void connectReceiver() {
        try {
            AmqpClient fresh = AmqpClient.create(VERTX, options());
            AmqpConnection connection = await(fresh.connect());
            connection.exceptionHandler(e -> client = null);
            AmqpReceiver receiver = await(connection.createReceiver(address,
                    new AmqpReceiverOptions().setCapabilities(List.of("queue"))));
            receiver.handler(message -> {
                Map<String, Object> properties = message.applicationProperties() == null ? Map.of()
                        : message.applicationProperties().getMap();
                String body = message.bodyAsBinary() != null ? message.bodyAsBinary().toString()
                        : String.valueOf(message.bodyAsString());
                received.add(new Received(properties, message.contentType(), String.valueOf(message.id()), body));
            });
            client = fresh;
        } catch (RuntimeException e) {
            client = null;
        }
    }

    private static AmqpClientOptions options() {
        return new AmqpClientOptions().setHost("127.0.0.1").setPort(ArtemisTestBroker.port())
                .setUsername("ordo").setPassword("ordo").setConnectTimeout(2000);
    }

    private static <T> T await(io.vertx.core.Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        disconnect();
    }
}
