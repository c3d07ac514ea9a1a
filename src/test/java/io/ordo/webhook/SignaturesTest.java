package io.ordo.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.ordo.support.WebhookReceiver;

/** Standard Webhooks signing: the spec's official vector, rotation, verification windows, secret format. */
class SignaturesTest {
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final long TIMESTAMP = 1614265330;
    static final String BODY = "{\"test\": 2432232314}";
    static final String EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    @Test
    void theSpecsOfficialVector() {
        assertEquals(EXPECTED, Signatures.sign(List.of(SECRET), ID, TIMESTAMP, BODY));
        // and the test receivers' hand-written check agrees with it
        assertEquals(EXPECTED.substring(3), WebhookReceiver.sign(SECRET, ID, Long.toString(TIMESTAMP), BODY));
    }

    @Test
    void duringARotationBothSignaturesAreSentSpaceSeparated() {
        String other = Signatures.newSecret();
        String header = Signatures.sign(List.of(other, SECRET), ID, TIMESTAMP, BODY);
        String[] parts = header.split(" ");
        assertEquals(2, parts.length);
        assertEquals(EXPECTED, parts[1]);
        assertTrue(WebhookReceiver.verifies(List.of(other), ID, Long.toString(TIMESTAMP), BODY, header));
        assertTrue(WebhookReceiver.verifies(List.of(SECRET), ID, Long.toString(TIMESTAMP), BODY, header));
    }

    @Test
    void secretsAreWhsecAndBase64OfRandomBytesWithinTheSpecsRange() {
        String secret = Signatures.newSecret();
        assertTrue(secret.startsWith("whsec_"));
        int bytes = Base64.getDecoder().decode(secret.substring(6)).length;
        assertTrue(bytes >= 24 && bytes <= 64, "24-64 bytes, was " + bytes);
        assertFalse(secret.equals(Signatures.newSecret()));
    }

    @Test
    void verificationAcceptsAFreshSignatureAndRefusesTamperingOtherSecretsAndStaleTimestamps() {
        long now = Instant.now().getEpochSecond();
        String signature = Signatures.sign(List.of(SECRET), ID, now, BODY);
        assertTrue(Signatures.verify(List.of(SECRET), BODY, headers(ID, now, signature)));
        assertTrue(Signatures.verify(List.of(Signatures.newSecret(), SECRET), BODY, headers(ID, now, signature)));
        assertFalse(Signatures.verify(List.of(SECRET), BODY.replace('2', '3'), headers(ID, now, signature)));
        assertFalse(Signatures.verify(List.of(Signatures.newSecret()), BODY, headers(ID, now, signature)));
        long old = now - 600;
        assertFalse(Signatures.verify(List.of(SECRET), BODY,
                headers(ID, old, Signatures.sign(List.of(SECRET), ID, old, BODY))));
        long future = now + 600;
        assertFalse(Signatures.verify(List.of(SECRET), BODY,
                headers(ID, future, Signatures.sign(List.of(SECRET), ID, future, BODY))));
        assertFalse(Signatures.verify(List.of(SECRET), BODY, Map.of()));
    }

    private static Map<String, List<String>> headers(String id, long timestamp, String signature) {
        return Map.of("webhook-id", List.of(id), "webhook-timestamp", List.of(Long.toString(timestamp)),
                "webhook-signature", List.of(signature));
    }
}
