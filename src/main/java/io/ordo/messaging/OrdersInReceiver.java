package io.ordo.messaging;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.jboss.logging.Logger;

import io.smallrye.health.api.Wellness;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.amqp.AmqpClientOptions;
import io.vertx.amqp.AmqpReceiverOptions;
import io.vertx.mutiny.amqp.AmqpClient;
import io.vertx.mutiny.amqp.AmqpReceiver;
import io.vertx.mutiny.core.Vertx;

/**
 * Receives {@code ordo.orders.in} with the Vert.x AMQP client itself rather than through the SmallRye connector: the
 * connector decodes a data section sent as {@code application/json} before the application sees it, and a body that
 * is not JSON is then dropped with "SRMSG16229 ... message ignored" and never settled. Here every message reaches
 * {@link AmqpOrderIntake} with its raw bytes, and is settled by it exactly once.
 * <p>
 * One connection and one link per instance; {@code concurrency} messages are placed at once, with {@code credit}
 * more sent ahead by the broker. When the connection is lost (or cannot be made) it attaches again after
 * {@code reconnect-interval}, for as long as the application runs. Whether the link is attached is reported under
 * {@code /q/health/well} only, like the other broker links ({@link BrokerLinksCheck}): readiness does not depend on the
 * broker.
 */
@Wellness
@ApplicationScoped
public class OrdersInReceiver implements HealthCheck {
    private static final Logger LOG = Logger.getLogger(OrdersInReceiver.class);

    private final Vertx vertx;
    private final AmqpOrderIntake intake;
    private final OrdersInConfig config;
    private final AmqpClientOptions options;
    private final AtomicReference<AmqpClient> current = new AtomicReference<>();
    private volatile boolean attached;
    private volatile boolean stopped;

    public OrdersInReceiver(Vertx vertx, AmqpOrderIntake intake, OrdersInConfig config,
            @ConfigProperty(name = "amqp-host", defaultValue = "localhost") String host,
            @ConfigProperty(name = "amqp-port", defaultValue = "5672") int port,
            @ConfigProperty(name = "amqp-username") Optional<String> username,
            @ConfigProperty(name = "amqp-password") Optional<String> password,
            @ConfigProperty(name = "amqp-use-ssl", defaultValue = "false") boolean useSsl) {
        this.vertx = vertx;
        this.intake = intake;
        this.config = config;
        AmqpClientOptions broker = new AmqpClientOptions().setHost(host).setPort(port).setSsl(useSsl)
                .setConnectTimeout(2000);
        username.ifPresent(broker::setUsername);
        password.ifPresent(broker::setPassword);
        this.options = broker;
    }

    void start(@Observes StartupEvent event) {
        if (config.enabled()) {
            attach();
        }
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        AmqpClient client = current.getAndSet(null);
        if (client != null) {
            client.close().subscribe().with(ignored -> {
            }, ignored -> {
            });
        }
    }

    private void attach() {
        if (stopped) {
            return;
        }
        AmqpClient client = AmqpClient.create(vertx, new AmqpClientOptions(options));
        current.set(client);
        AmqpReceiverOptions link = new AmqpReceiverOptions().setAutoAcknowledgement(false)
                .setCapabilities(List.of("queue")).setMaxBufferedMessages(config.credit());
        client.connect()
                .chain(connection -> {
                    connection.exceptionHandler(failure -> lost(client, failure));
                    connection.closeFuture().subscribe().with(ignored -> lost(client, null),
                            failure -> lost(client, failure));
                    return connection.createReceiver(config.address(), link);
                })
                .subscribe().with(receiver -> consume(client, receiver), failure -> lost(client, failure));
    }

    private void consume(AmqpClient client, AmqpReceiver receiver) {
        attached = true;
        LOG.infof("receiving orders from %s (%d at once)", config.address(), config.concurrency());
        receiver.toMulti()
                // receive settles every message itself; nothing one message does may end the stream
                .onItem().transformToUni(message -> Uni.createFrom().deferred(() -> intake.receive(message))
                        .onFailure().recoverWithNull())
                .merge(config.concurrency())
                .subscribe().with(ignored -> {
                }, failure -> lost(client, failure), () -> lost(client, null));
    }

    /** Once per connection: drop it and attach again later (unless the application is stopping). */
    private void lost(AmqpClient client, Throwable failure) {
        if (!current.compareAndSet(client, null)) {
            return;
        }
        attached = false;
        if (!stopped) {
            LOG.warnf("the link to %s is lost (%s); attaching again in %s", config.address(),
                    failure == null ? "closed" : failure.toString(), config.reconnectInterval());
            vertx.setTimer(Math.max(1, config.reconnectInterval().toMillis()), id -> attach());
        }
        client.close().subscribe().with(ignored -> {
        }, ignored -> {
        });
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("AMQP intake " + config.address()).status(!config.enabled() || attached)
                .build();
    }
}
