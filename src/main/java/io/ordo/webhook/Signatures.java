package io.ordo.webhook;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookSigningException;
import com.standardwebhooks.exceptions.WebhookVerificationException;

/**
 * Standard Webhooks secrets and signatures, through the spec's own Java library: {@code whsec_} + base64 of random
 * bytes; {@code webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">}, several space-separated during a
 * secret rotation.
 */
public final class Signatures {
    public static final String ID_HEADER = "webhook-id";
    public static final String TIMESTAMP_HEADER = "webhook-timestamp";
    public static final String SIGNATURE_HEADER = "webhook-signature";
    public static final String SECRET_PREFIX = "whsec_";
    /** Within the spec's 24-64 bytes. */
    static final int SECRET_BYTES = 32;

    private Signatures() {
    }

    /**
     * A new random secret. The SecureRandom is made per call on purpose: secrets are made rarely (webhook creation and
     * rotation), and no random source may sit in static state. Quarkus initialises application classes while it builds
     * a native image, so a static SecureRandom would be seeded once in the builder and frozen into every image
     * (native-image refuses it: "Detected an instance of Random/SplittableRandom class in the image heap").
     */
    public static String newSecret() {
        byte[] key = new byte[SECRET_BYTES];
        new SecureRandom().nextBytes(key);
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** The {@code webhook-signature} value: one {@code v1,...} per secret, space-separated. */
    public static String sign(List<String> secrets, String id, long timestamp, String body) {
        StringBuilder header = new StringBuilder();
        for (String secret : secrets) {
            if (!header.isEmpty()) {
                header.append(' ');
            }
            try {
                header.append(new Webhook(secret).sign(id, timestamp, body));
            } catch (WebhookSigningException e) {
                throw new IllegalStateException("cannot sign a webhook", e);
            }
        }
        return header.toString();
    }

    /**
     * True when the headers carry a valid signature of {@code body} by any of {@code secrets} and a timestamp within
     * the spec's 5 minutes of now.
     */
    public static boolean verify(List<String> secrets, String body, Map<String, List<String>> headers) {
        for (String secret : secrets) {
            try {
                new Webhook(secret).verify(body, headers);
                return true;
            } catch (WebhookVerificationException | RuntimeException e) {
                // next secret; a malformed secret or header simply does not verify
            }
        }
        return false;
    }
}
