package io.ordo.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    final RetryPolicy policy = new RetryPolicy(List.of(Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofHours(1)),
            new Random(42));

    @Test
    void eachPauseFollowsTheScheduleWithinTenPercentJitterAndTheLastAttemptHasNone() {
        assertEquals(4, policy.maxAttempts());
        for (int i = 0; i < 100; i++) {
            assertBetween(policy.pauseAfter(1, null), Duration.ofMillis(4500), Duration.ofMillis(5500));
            assertBetween(policy.pauseAfter(3, null), Duration.ofMinutes(54), Duration.ofMinutes(66));
        }
        assertNull(policy.pauseAfter(4, null));
        assertNull(policy.pauseAfter(4, Duration.ofSeconds(1)));
    }

    @Test
    void retryAfterReplacesThePauseAndIsCappedAtADay() {
        assertEquals(Duration.ofSeconds(120), policy.pauseAfter(1, Duration.ofSeconds(120)));
        assertEquals(Duration.ofDays(1), policy.pauseAfter(1, Duration.ofDays(3)));
    }

    @Test
    void retryAfterIsReadAsSecondsOrAnHttpDate() {
        Instant now = Instant.parse("2026-11-22T10:00:00Z");
        assertEquals(Duration.ofSeconds(30), RetryPolicy.parseRetryAfter("30", now));
        assertEquals(Duration.ofSeconds(90), RetryPolicy.parseRetryAfter("Sun, 22 Nov 2026 10:01:30 GMT", now));
        assertEquals(Duration.ZERO, RetryPolicy.parseRetryAfter("Sun, 22 Nov 2026 09:00:00 GMT", now));
        assertNull(RetryPolicy.parseRetryAfter("soon", now));
        assertNull(RetryPolicy.parseRetryAfter(null, now));
        assertNull(RetryPolicy.parseRetryAfter("-5", now));
    }

    private static void assertBetween(Duration actual, Duration min, Duration max) {
        assertTrue(actual.compareTo(min) >= 0 && actual.compareTo(max) <= 0, actual + " not in " + min + ".." + max);
    }
}
