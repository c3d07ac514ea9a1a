package io.ordo.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import io.smallrye.health.api.Wellness;
import io.smallrye.reactive.messaging.health.HealthReport;
import io.smallrye.reactive.messaging.providers.extension.HealthCenter;

/**
 * The broker links (orders in and dead letters through the connector, events out through {@link OrderEventsLink}), reported under {@code /q/health/well} only: neither
 * liveness nor readiness depends on the broker. While it is down this process is healthy and still takes orders
 * (their events wait in the outbox), so restarting it or taking it out of rotation would only turn a broker outage
 * into an API outage. Monitoring reads this check and {@code ordo_outbox_lag_seconds}.
 */
@Wellness
@ApplicationScoped
public class BrokerLinksCheck implements HealthCheck {
    private final HealthCenter messaging;
    private final OrderEventsLink orderEvents;

    public BrokerLinksCheck(HealthCenter messaging, OrderEventsLink orderEvents) {
        this.messaging = messaging;
        this.orderEvents = orderEvents;
    }

    @Override
    public HealthCheckResponse call() {
        HealthReport report = messaging.getReadiness();
        // the events' own link (not a connector channel, see OrderEventsLink); its state is read, never waited for
        String eventsProblem = orderEvents.problem();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("AMQP broker links")
                .status(report.isOk() && eventsProblem == null)
                .withData("order-events", eventsProblem == null ? "[OK]" : "[KO] " + eventsProblem);
        for (HealthReport.ChannelInfo channel : report.getChannels()) {
            response.withData(channel.getChannel(), channel.isOk() ? "[OK]"
                    : "[KO]" + (channel.getMessage() == null ? "" : " " + channel.getMessage()));
        }
        return response.build();
    }
}
