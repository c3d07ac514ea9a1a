package io.ordo.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** A real AMQP 1.0 broker (embedded Apache ActiveMQ Artemis) on a free loopback port. */
public class ArtemisTestBroker implements QuarkusTestResourceLifecycleManager {
    private static int port;
    private EmbeddedActiveMQ broker;

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
            broker = new EmbeddedActiveMQ().setConfiguration(config);
            broker.start();
        } catch (Exception e) {
            throw new IllegalStateException("could not start the embedded AMQP broker", e);
        }
        return Map.of("amqp-host", "127.0.0.1", "amqp-port", String.valueOf(port),
                "amqp-username", "ordo", "amqp-password", "ordo");
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
