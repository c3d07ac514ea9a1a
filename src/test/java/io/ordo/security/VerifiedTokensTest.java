package io.ordo.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.vertx.ext.web.RoutingContext;

/** The cache's own rules: never past exp nor max-age, bounded, keyed by the token's hash. */
class VerifiedTokensTest {
    private static final long NOW = 1_800_000_000L;

    private final MovableClock clock = new MovableClock();

    private VerifiedTokens cache(int maxSize, Duration maxAge) {
        return new VerifiedTokens(new TokenCacheConfig() {
            @Override
            public int maxSize() {
                return maxSize;
            }

            @Override
            public Duration maxAge() {
                return maxAge;
            }
        }, clock, new SimpleMeterRegistry());
    }

    private static QuarkusSecurityIdentity identity(String name) {
        Principal principal = () -> name;
        return QuarkusSecurityIdentity.builder().setPrincipal(principal).addRole("ordo-admin")
                .addAttribute("tenant-id", "Default").build();
    }

    @Test
    void aRememberedTokenIsFoundByItsHashWithItsRolesUntilItsExp() {
        VerifiedTokens tokens = cache(100, Duration.ofHours(1));
        tokens.remember(TokenHash.of("token-a"), identity("a"), NOW + 60);
        var found = tokens.find(TokenHash.of("token-a")).orElseThrow();
        assertEquals("a", found.getPrincipal().getName());
        assertTrue(found.hasRole("ordo-admin"));
        assertEquals("Default", found.getAttribute("tenant-id"));
        assertTrue(tokens.find(TokenHash.of("token-b")).isEmpty(), "another token");

        clock.at(NOW + 59);
        assertTrue(tokens.find(TokenHash.of("token-a")).isPresent());
        clock.at(NOW + 60);
        assertTrue(tokens.find(TokenHash.of("token-a")).isEmpty(), "not at exp");
        assertEquals(0, tokens.size(), "an expired entry found is dropped");
    }

    @Test
    void aLongLivedTokenIsVerifiedAgainAfterMaxAge() {
        VerifiedTokens tokens = cache(100, Duration.ofMinutes(5));
        tokens.remember(TokenHash.of("token-a"), identity("a"), NOW + 3600);
        clock.at(NOW + 299);
        assertTrue(tokens.find(TokenHash.of("token-a")).isPresent());
        clock.at(NOW + 300);
        assertTrue(tokens.find(TokenHash.of("token-a")).isEmpty());
    }

    @Test
    void anAlreadyExpiredTokenIsNotRemembered() {
        VerifiedTokens tokens = cache(100, Duration.ofMinutes(5));
        tokens.remember(TokenHash.of("token-a"), identity("a"), NOW);
        assertEquals(0, tokens.size());
    }

    @Test
    void theCacheNeverHoldsMoreThanItsSizeAndDropsExpiredEntriesFirst() {
        VerifiedTokens tokens = cache(10, Duration.ofMinutes(5));
        for (int i = 0; i < 5; i++) {
            tokens.remember(TokenHash.of("short-" + i), identity("s" + i), NOW + 10);
        }
        clock.at(NOW + 20);
        for (int i = 0; i < 100; i++) {
            tokens.remember(TokenHash.of("long-" + i), identity("l" + i), NOW + 3600);
            assertTrue(tokens.size() <= 10, "size " + tokens.size());
        }
        assertTrue(tokens.find(TokenHash.of("long-99")).isPresent(), "the newest is kept");
    }

    @Test
    void sizeZeroSwitchesTheCacheOff() {
        assertEquals(false, cache(0, Duration.ofMinutes(5)).enabled());
    }

    @Test
    void theHashIsOfTheWholeToken() {
        assertEquals(TokenHash.of("x.y.z"), TokenHash.of("x.y.z"));
        assertTrue(!TokenHash.of("x.y.z").equals(TokenHash.of("x.y.Z")));
    }

    @Test
    void theRememberedIdentityDoesNotCarryTheRequestThatVerifiedIt() {
        VerifiedTokens tokens = cache(100, Duration.ofMinutes(5));
        Principal principal = () -> "a";
        var verified = QuarkusSecurityIdentity.builder().setPrincipal(principal).addRole("ordo-admin")
                .addAttribute(RoutingContext.class.getName(),
                        Proxy.newProxyInstance(getClass().getClassLoader(),
                                new Class<?>[] { RoutingContext.class }, (proxy, method, args) -> null))
                .build();
        tokens.remember(TokenHash.of("token-a"), verified, NOW + 60);
        var found = tokens.find(TokenHash.of("token-a")).orElseThrow();
        assertSame(principal, found.getPrincipal());
        assertNull(found.<Object>getAttribute(RoutingContext.class.getName()));
    }

    @Test
    void underConcurrentUseATokenOnlyEverFindsItsOwnIdentityAndTheSizeStaysNearItsBound() throws Exception {
        int maxSize = 500;
        int threads = 8;
        VerifiedTokens tokens = cache(maxSize, Duration.ofMinutes(5));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger wrong = new AtomicInteger();
        AtomicInteger maxSeen = new AtomicInteger();
        AtomicInteger hits = new AtomicInteger();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int seed = t;
            done.add(pool.submit(() -> {
                start.await();
                Random random = new Random(seed);
                for (int i = 0; i < 20_000; i++) {
                    String name = "token-" + random.nextInt(2_000); // four times the bound: evictions all along
                    TokenHash hash = TokenHash.of(name);
                    var found = tokens.find(hash);
                    if (found.isPresent()) {
                        hits.incrementAndGet();
                        if (!found.get().getPrincipal().getName().equals(name)) {
                            wrong.incrementAndGet();
                        }
                    } else {
                        tokens.remember(hash, identity(name), NOW + 3600);
                    }
                    maxSeen.accumulateAndGet(tokens.size(), Math::max);
                }
                return null;
            }));
        }
        start.countDown();
        for (var future : done) {
            future.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertEquals(0, wrong.get(), "a token found another token's identity");
        assertTrue(hits.get() > 0, "the cache was used");
        // racing inserts may each add one past the bound before the next makes room (the class says so)
        assertTrue(maxSeen.get() <= maxSize + threads, "size reached " + maxSeen.get());
        assertTrue(tokens.size() <= maxSize + threads, "size " + tokens.size());
    }

    private static final class MovableClock extends Clock {
        private Instant now = Instant.ofEpochSecond(NOW);

        void at(long epochSecond) {
            now = Instant.ofEpochSecond(epochSecond);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
