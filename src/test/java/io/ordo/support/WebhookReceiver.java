package io.ordo.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.awaitility.Awaitility;

import com.sun.net.httpserver.HttpServer;

import io.vertx.core.json.JsonObject;

/**
 * A shop's webhook endpoint on loopback: a real HTTP server (the JDK's) that records every request and checks its
 * Standard Webhooks signature with its own HMAC code (javax.crypto, not the production signer). How it answers each
 * request is up to the test.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** One request as received, with the verdict of the independent signature check. */
    public record Received(String id, String timestamp, String signature, String body, boolean signatureValid,
            Instant at, int answeredWith) {

        public JsonObject json() {
            return new JsonObject(body);
        }
    }

    /** How to answer: status, optional delay and headers. */
    public record Answer(int status, Duration delay, String retryAfter) {
        public static Answer status(int status) {
            return new Answer(status, Duration.ZERO, null);
        }

        public static Answer after(Duration delay, int status) {
            return new Answer(status, delay, null);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(32);
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile List<String> secrets = List.of();
    private volatile Function<Received, Answer> answers = r -> Answer.status(200);

    private WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                String id = exchange.getRequestHeaders().getFirst("webhook-id");
                String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
                String signature = exchange.getRequestHeaders().getFirst("webhook-signature");
                Received request = new Received(id, timestamp, signature, body,
                        verifies(secrets, id, timestamp, body, signature), Instant.now(), 0);
                Answer answer = answers.apply(request);
                if (!answer.delay().isZero()) {
                    Thread.sleep(answer.delay().toMillis());
                }
                received.add(new Received(id, timestamp, signature, body, request.signatureValid(), request.at(),
                        answer.status()));
                if (answer.retryAfter() != null) {
                    exchange.getResponseHeaders().add("Retry-After", answer.retryAfter());
                }
                exchange.sendResponseHeaders(answer.status(), -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // the client went away (timeout test)
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    public static WebhookReceiver start() {
        try {
            return new WebhookReceiver();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Secrets whose signature counts as valid (the subscription's, both during a rotation). */
    public WebhookReceiver verifyWith(String... secret) {
        this.secrets = List.of(secret);
        return this;
    }

    public WebhookReceiver answer(Function<Received, Answer> how) {
        this.answers = how;
        return this;
    }

    public List<Received> received() {
        return new ArrayList<>(received);
    }

    public List<Received> awaitReceived(java.util.function.Predicate<Received> matching, int count, Duration within) {
        Awaitility.await().atMost(within).pollInterval(Duration.ofMillis(50))
                .until(() -> received.stream().filter(matching).count() >= count);
        return received.stream().filter(matching).toList();
    }

    /** The Standard Webhooks check written out by hand: HMAC-SHA256 over "id.timestamp.body", any v1 signature. */
    public static boolean verifies(List<String> secrets, String id, String timestamp, String body, String header) {
        if (id == null || timestamp == null || header == null) {
            return false;
        }
        for (String secret : secrets) {
            String expected = sign(secret, id, timestamp, body);
            for (String candidate : header.split(" ")) {
                if (candidate.startsWith("v1,") && MessageDigest.isEqual(
                        candidate.substring(3).getBytes(StandardCharsets.US_ASCII),
                        expected.getBytes(StandardCharsets.US_ASCII))) {
                    return true;
                }
            }
        }
        return false;
    }

    public static String sign(String secret, String id, String timestamp, String body) {
        try {
            byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] digest = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
