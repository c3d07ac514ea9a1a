package io.ordo.security;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The SHA-256 of a bearer token, the key under which {@link VerifiedTokens} remembers its verified identity: the
 * token itself is never kept. Four longs, so that equality and hashing are cheap.
 */
public record TokenHash(long a, long b, long c, long d) {
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    });

    public static TokenHash of(String token) {
        ByteBuffer digest = ByteBuffer.wrap(SHA_256.get().digest(token.getBytes(StandardCharsets.US_ASCII)));
        return new TokenHash(digest.getLong(), digest.getLong(), digest.getLong(), digest.getLong());
    }
}
