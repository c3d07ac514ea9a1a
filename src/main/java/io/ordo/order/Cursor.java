package io.ordo.order;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;

import io.ordo.common.InvalidRequest;

/** The opaque {@code cursor} of the order list: base64url of "epochMicros:orderId" of the last order shown. */
final class Cursor {
    private Cursor() {
    }

    static String encode(OrderView last) {
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, last.createdAt());
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((micros + ":" + last.id()).getBytes(StandardCharsets.UTF_8));
    }

    static OrderQuery.Position decode(String cursor) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split(":", 2);
            Instant createdAt = Instant.EPOCH.plus(Long.parseLong(parts[0]), ChronoUnit.MICROS);
            return new OrderQuery.Position(createdAt, UUID.fromString(parts[1]));
        } catch (RuntimeException e) {
            throw new InvalidRequest("cursor", "is not a cursor returned by this API");
        }
    }
}
