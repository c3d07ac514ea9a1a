package io.ordo.webhook;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * When to try a delivery again: the {@code ordo.webhooks.retry-schedule} pause after each failed attempt, with
 * ±10 % jitter so that many deliveries failing together do not come back together; a {@code Retry-After} of a 429 or
 * 503 replaces the pause (capped at a day). After the last pause's attempt the delivery is FAILED.
 */
public final class RetryPolicy {
    static final Duration MAX_RETRY_AFTER = Duration.ofDays(1);

    private final List<Duration> schedule;
    private final RandomGenerator random;

    public RetryPolicy(List<Duration> schedule, RandomGenerator random) {
        this.schedule = List.copyOf(schedule);
        this.random = random;
    }

    /** Attempts in all: the first plus one per pause. */
    public int maxAttempts() {
        return schedule.size() + 1;
    }

    /**
     * The pause before the next attempt after attempt number {@code attempt} (from 1) failed, or null when no attempt
     * is left.
     */
    public Duration pauseAfter(int attempt, Duration retryAfter) {
        if (attempt >= maxAttempts()) {
            return null;
        }
        if (retryAfter != null) {
            return retryAfter.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : retryAfter;
        }
        long millis = schedule.get(attempt - 1).toMillis();
        double factor = 0.9 + 0.2 * random.nextDouble();
        return Duration.ofMillis(Math.round(millis * factor));
    }

    /** A {@code Retry-After} header: delay-seconds or an HTTP-date; null when absent or unreadable. */
    public static Duration parseRetryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.trim();
        try {
            long seconds = Long.parseLong(value);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }
}
