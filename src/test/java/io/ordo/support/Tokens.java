package io.ordo.support;

import java.time.Duration;
import java.util.Set;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/** Signed access tokens from the test OIDC issuer (the key its JWKS publishes), verified for real by quarkus-oidc. */
public final class Tokens {
    public static final String ISSUER = "https://server.example.com";

    private Tokens() {
    }

    public static String admin() {
        return forRoles("admin-user", Set.of("ordo-admin"), null);
    }

    public static String fulfillment() {
        return forRoles("warehouse-user", Set.of("ordo-fulfillment"), null);
    }

    public static String channel(String channel) {
        return forRoles("shop-" + channel, Set.of("ordo-channel"), channel);
    }

    /** A valid token that carries none of Ordo's roles. */
    public static String noRole() {
        return forRoles("stranger", Set.of("user"), null);
    }

    public static String forRoles(String subject, Set<String> roles, String channel) {
        return sign(builder(subject, roles, channel));
    }

    public static String expired() {
        return sign(builder("late-user", Set.of("ordo-admin"), null)
                .issuedAt(System.currentTimeMillis() / 1000 - 7200)
                .expiresAt(System.currentTimeMillis() / 1000 - 3600));
    }

    /** An admin token with the given {@code iat} and {@code exp} (epoch seconds), signed by the test issuer. */
    public static String adminIssuedAt(long issuedAt, long expiresAt) {
        return sign(builder("timed-user", Set.of("ordo-admin"), null).issuedAt(issuedAt).expiresAt(expiresAt));
    }

    /** A channel token whose payload was swapped for an admin one, keeping the channel token's signature. */
    public static String tampered() {
        String[] channel = channel("web").split("\\.");
        String[] admin = admin().split("\\.");
        return channel[0] + "." + admin[1] + "." + channel[2];
    }

    private static JwtClaimsBuilder builder(String subject, Set<String> roles, String channel) {
        JwtClaimsBuilder claims = Jwt.issuer(ISSUER)
                .subject(subject)
                .upn(subject)
                .audience("https://server.example.com")
                .groups(roles)
                .expiresIn(Duration.ofHours(1));
        if (channel != null) {
            claims.claim("ordo_channel", channel);
        }
        return claims;
    }

    private static String sign(JwtClaimsBuilder claims) {
        return claims.jws().keyId("1").sign("privateKey.jwk");
    }
}
