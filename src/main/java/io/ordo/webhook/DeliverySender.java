package io.ordo.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.net.SocketAddress;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import io.vertx.mutiny.ext.web.codec.BodyCodec;

/**
 * Makes one attempt of a delivery: checks the URL with the SSRF guard (every time: DNS answers change), signs the
 * body for this attempt's timestamp and POSTs it to the address the guard approved, with the Vert.x web client
 * (non-blocking, redirects never followed, the response body discarded). Never fails: every outcome, including a
 * timeout or a refused connection, is an {@link Attempt} with the delivery's next state.
 */
class DeliverySender {
    static final String USER_AGENT = "Ordo-Webhooks/1";

    private final WebClient client;
    private final WebhookUrlGuard guard;
    private final RetryPolicy retries;
    private final Duration timeout;
    private final Clock clock;

    DeliverySender(Vertx vertx, WebhookUrlGuard guard, RetryPolicy retries, Duration timeout, int maxConnections,
            Clock clock) {
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setFollowRedirects(false)
                .setUserAgent(USER_AGENT)
                .setMaxPoolSize(maxConnections)
                .setKeepAlive(true)
                .setConnectTimeout((int) timeout.toMillis())
                .setIdleTimeout((int) Math.max(1, timeout.toSeconds()))
                .setVerifyHost(true));
        this.guard = guard;
        this.retries = retries;
        this.timeout = timeout;
        this.clock = clock;
    }

    Uni<Attempt> attempt(DueDelivery delivery) {
        Instant startedAt = clock.instant();
        long started = System.nanoTime();
        return guard.check(delivery.url())
                .chain(target -> post(target, delivery, startedAt))
                .map(response -> fromResponse(delivery, startedAt, started, response))
                .onFailure().recoverWithItem(failure -> fromFailure(delivery, startedAt, started, failure));
    }

    private Uni<HttpResponse<Void>> post(WebhookUrlGuard.Target target, DueDelivery delivery, Instant now) {
        String id = delivery.eventId().toString();
        long timestamp = now.getEpochSecond();
        RequestOptions options = new RequestOptions().setHost(target.host()).setPort(target.port())
                .setSsl(target.ssl()).setURI(target.requestUri()).setFollowRedirects(false);
        SocketAddress server = SocketAddress.inetSocketAddress(target.port(), target.address().getHostAddress());
        return client.request(HttpMethod.POST, server, options)
                .followRedirects(false)
                .idleTimeout(timeout.toMillis())
                .putHeader("content-type", "application/json")
                .putHeader(Signatures.ID_HEADER, id)
                .putHeader(Signatures.TIMESTAMP_HEADER, Long.toString(timestamp))
                .putHeader(Signatures.SIGNATURE_HEADER, Signatures.sign(delivery.secrets(), id, timestamp, delivery.body()))
                .as(BodyCodec.none())
                .sendBuffer(Buffer.buffer(delivery.body()))
                .ifNoItem().after(timeout).failWith(() -> new TimeoutException("no response within " + timeout));
    }

    private Attempt fromResponse(DueDelivery d, Instant startedAt, long started, HttpResponse<Void> response) {
        int status = response.statusCode();
        int latency = millisSince(started);
        if (status >= 200 && status < 300) {
            return new Attempt(d.id(), d.subscriptionId(), d.attempt(), startedAt, status, latency, null, "success",
                    DeliveryStatus.DELIVERED, null, d.eventCreatedAt());
        }
        String error = "HTTP " + status;
        if (status == 410) {
            return new Attempt(d.id(), d.subscriptionId(), d.attempt(), startedAt, status, latency,
                    error + ": endpoint disabled", "gone", DeliveryStatus.FAILED, null, d.eventCreatedAt());
        }
        Duration retryAfter = status == 429 || status == 503
                ? RetryPolicy.parseRetryAfter(response.getHeader("Retry-After"), startedAt)
                : null;
        return failed(d, startedAt, status, latency, error, "http_error", retryAfter);
    }

    private Attempt fromFailure(DueDelivery d, Instant startedAt, long started, Throwable failure) {
        int latency = millisSince(started);
        if (failure instanceof UrlRefused refused) {
            return failed(d, startedAt, null, latency, "refused: the URL " + refused.reason(), "refused", null);
        }
        if (failure instanceof TimeoutException || failure.getClass().getSimpleName().contains("Timeout")) {
            return failed(d, startedAt, null, latency, "timeout: no response within " + timeout.toMillis() + " ms",
                    "timeout", null);
        }
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        return failed(d, startedAt, null, latency, "network: " + truncate(message), "network_error", null);
    }

    private Attempt failed(DueDelivery d, Instant startedAt, Integer status, int latency, String error, String kind,
            Duration retryAfter) {
        Duration pause = retries.pauseAfter(d.attempt(), retryAfter);
        if (pause == null) {
            return new Attempt(d.id(), d.subscriptionId(), d.attempt(), startedAt, status, latency,
                    error, kind, DeliveryStatus.FAILED, null, d.eventCreatedAt());
        }
        return new Attempt(d.id(), d.subscriptionId(), d.attempt(), startedAt, status, latency, error, kind,
                DeliveryStatus.PENDING, clock.instant().plus(pause), d.eventCreatedAt());
    }

    private static int millisSince(long started) {
        return (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - started) / 1_000_000);
    }

    private static String truncate(String message) {
        return message.length() > 300 ? message.substring(0, 300) : message;
    }

    void close() {
        client.close();
    }
}
