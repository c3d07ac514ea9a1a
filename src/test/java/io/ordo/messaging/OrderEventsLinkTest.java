package io.ordo.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.ordo.outbox.OutboxEvent;
import io.ordo.support.ArtemisTestBroker;
import io.quarkus.test.junit.QuarkusTest;

/** The events' own link: many concurrent senders through an outage share one connection attempt and one link. */
@QuarkusTest
class OrderEventsLinkTest {
    @Inject
    OrderEventsLink link;

    @Test
    void concurrentSendsThroughAnOutageFailFastAndShareOneConnection() throws Exception {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> link.problem() == null);
        int steady = ArtemisTestBroker.connectionCount();
        ArtemisTestBroker.stopBroker();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> link.problem() != null);
            // during the outage every send fails at once (no hanging, no connection per send)
            List<CompletableFuture<Void>> during = IntStream.range(0, 200).mapToObj(i -> send()).toList();
            for (CompletableFuture<Void> send : during) {
                try {
                    send.get(5, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException expected) {
                    assertTrue(expected.getCause() instanceof OrderEventsLink.BrokerUnavailable, expected.toString());
                }
            }
            assertTrue(during.stream().allMatch(CompletableFuture::isCompletedExceptionally), "no send succeeded");
        } finally {
            ArtemisTestBroker.restart();
        }
        // right after the broker returns, 200 senders at once: they share the one attempt (or fail within its
        // back-off); then every send goes through
        List<CompletableFuture<Void>> racing = IntStream.range(0, 200).mapToObj(i -> send()).toList();
        racing.forEach(f -> f.handle((v, e) -> null).join());
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> link.problem() == null);
        IntStream.range(0, 50).mapToObj(i -> send()).toList().forEach(CompletableFuture::join);
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> ArtemisTestBroker.connectionCount() <= steady);
        Thread.sleep(1000);
        assertTrue(ArtemisTestBroker.connectionCount() <= steady,
                "connections " + ArtemisTestBroker.connectionCount() + " after, " + steady + " before");
        assertEquals(null, link.problem());
    }

    private CompletableFuture<Void> send() {
        OutboxEvent event = new OutboxEvent(0, UUID.randomUUID(), "test", UUID.randomUUID(), 1, "link.test", "{}",
                Instant.now());
        return link.sendAll(List.of(event), CloudEventPublisher::toMessage).subscribeAsCompletionStage();
    }
}
