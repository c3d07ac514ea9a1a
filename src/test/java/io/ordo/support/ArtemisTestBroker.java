package io.ordo.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** A real AMQP 1.0 broker (embedded Apache ActiveMQ Artemis) on a free loopback port. */
public class ArtemisTestBroker implements QuarkusTestResourceLifecycleManager {
    private static int port;
    private static EmbeddedActiveMQ broker;

    public static int port() {
        return port;
    }

    @Override
    public Map<String, String> start() {
        try {
            port = freePort();
            Configuration config = new ConfigurationImpl()
                    .setPersistenceEnabled(false)
                    .setSecurityEnabled(false)
                    .setJournalDirectory("target/artemis/journal")
                    .setBindingsDirectory("target/artemis/bindings")
                    .setLargeMessagesDirectory("target/artemis/large")
                    .setPagingDirectory("target/artemis/paging")
                    .addAcceptorConfiguration("amqp", "tcp://127.0.0.1:" + port + "?protocols=AMQP");
            // every address is a queue: messages wait for their consumer instead of being dropped
            config.addAddressSetting("#", new AddressSettings()
                    .setDefaultAddressRoutingType(RoutingType.ANYCAST)
                    .setDefaultQueueRoutingType(RoutingType.ANYCAST)
                    .setAutoCreateAddresses(true).setAutoCreateQueues(true)
                    .setAutoDeleteAddresses(false).setAutoDeleteQueues(false)
                    .setMaxDeliveryAttempts(5));
            broker = new EmbeddedActiveMQ().setConfiguration(config);
            broker.start();
        } catch (Exception e) {
            throw new IllegalStateException("could not start the embedded AMQP broker", e);
        }
        return Map.of("amqp-host", "127.0.0.1", "amqp-port", String.valueOf(port),
                "amqp-username", "ordo", "amqp-password", "ordo");
    }

    /** Stops the broker (an outage); {@link #restart()} brings it back on the same port. */
    public static synchronized void stopBroker() throws Exception {
        broker.stop();
    }

    public static synchronized void restart() throws Exception {
        broker.start();
    }

    /** Connections the broker holds now (every client: the service's and the tests' own). */
    public static synchronized int connectionCount() {
        return broker.getActiveMQServer().getConnectionCount();
    }

    /** Consumers attached to the queue of {@code address} (0 when the queue does not exist yet). */
    public static synchronized int consumerCount(String address) {
        org.apache.activemq.artemis.core.server.Queue queue =
                broker.getActiveMQServer().locateQueue(org.apache.activemq.artemis.api.core.SimpleString.of(address));
        return queue == null ? 0 : queue.getConsumerCount();
    }

    @Override
    public void stop() {
        try {
            if (broker != null) {
                broker.stop();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
