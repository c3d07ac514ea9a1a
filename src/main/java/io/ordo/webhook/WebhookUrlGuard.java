package io.ordo.webhook;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * The SSRF guard for webhook URLs, applied when a subscription is created or changed and again before every attempt:
 * {@code https} only unless {@code ordo.webhooks.allow-http}; the host is resolved and every address it resolves to
 * must be public (no loopback, private, unique-local, link-local, multicast, unspecified or reserved IPv4/IPv6)
 * unless {@code ordo.webhooks.allow-private-networks}. The sender connects to the address checked here, so a DNS
 * answer that changes between the check and the connection (rebinding) cannot redirect it.
 */
@ApplicationScoped
public class WebhookUrlGuard {
    static final int MAX_URL_LENGTH = 2048;

    private final boolean allowHttp;
    private final boolean allowPrivateNetworks;

    @Inject
    public WebhookUrlGuard(WebhooksConfig config) {
        this(config.allowHttp(), config.allowPrivateNetworks());
    }

    public WebhookUrlGuard(boolean allowHttp, boolean allowPrivateNetworks) {
        this.allowHttp = allowHttp;
        this.allowPrivateNetworks = allowPrivateNetworks;
    }

    /** Where a delivery goes: the URL's parts and the address that passed the guard. */
    public record Target(String host, int port, boolean ssl, String requestUri, InetAddress address) {
    }

    /** Checks the URL and resolves its host (off the event loop); fails with {@link UrlRefused}. */
    public Uni<Target> check(String url) {
        URI uri;
        try {
            uri = parse(url);
        } catch (UrlRefused refused) {
            return Uni.createFrom().failure(refused);
        }
        String host = bareHost(uri.getHost());
        return Uni.createFrom().item(() -> resolve(host)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .map(addresses -> target(uri, host, addresses));
    }

    /** The syntactic checks alone (scheme, host, no credentials or fragment). */
    URI parse(String url) {
        if (url == null || url.isBlank()) {
            throw new UrlRefused("must not be blank");
        }
        if (url.length() > MAX_URL_LENGTH) {
            throw new UrlRefused("must be at most " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new UrlRefused("is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new UrlRefused("must be an https URL");
        }
        if (scheme.equals("http") && !allowHttp) {
            throw new UrlRefused("must use https (plain http is not allowed here)");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new UrlRefused("must name a host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new UrlRefused("must not carry credentials");
        }
        if (uri.getRawFragment() != null) {
            throw new UrlRefused("must not have a fragment");
        }
        return uri;
    }

    private Target target(URI uri, String host, List<InetAddress> addresses) {
        if (!allowPrivateNetworks) {
            for (InetAddress address : addresses) {
                String forbidden = forbiddenKind(address);
                if (forbidden != null) {
                    throw new UrlRefused("resolves to a " + forbidden + " address (" + address.getHostAddress()
                            + "), which is not allowed");
                }
            }
        }
        boolean ssl = uri.getScheme().equalsIgnoreCase("https");
        int port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String requestUri = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        return new Target(host, port, ssl, requestUri, addresses.get(0));
    }

    private static List<InetAddress> resolve(String host) {
        try {
            InetAddress[] all = InetAddress.getAllByName(host);
            if (all.length == 0) {
                throw new UrlRefused("host '" + host + "' cannot be resolved");
            }
            return List.of(all);
        } catch (UnknownHostException e) {
            throw new UrlRefused("host '" + host + "' cannot be resolved");
        }
    }

    private static String bareHost(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** What kind of non-public address this is, or null for a public one. */
    static String forbiddenKind(InetAddress address) {
        if (address.isAnyLocalAddress()) {
            return "unspecified";
        }
        if (address.isLoopbackAddress()) {
            return "loopback";
        }
        if (address.isLinkLocalAddress()) {
            return "link-local";
        }
        if (address.isSiteLocalAddress()) {
            return "private";
        }
        if (address.isMulticastAddress()) {
            return "multicast";
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int b0 = b[0] & 0xff;
            int b1 = b[1] & 0xff;
            if (b0 == 0) {
                return "unspecified";
            }
            if (b0 == 100 && (b1 & 0xc0) == 64) {
                return "private"; // 100.64.0.0/10, carrier-grade NAT
            }
            if (b0 == 192 && b1 == 0 && (b[2] & 0xff) == 0) {
                return "reserved"; // 192.0.0.0/24, IETF protocol assignments
            }
            if (b0 == 198 && (b1 == 18 || b1 == 19)) {
                return "private"; // 198.18.0.0/15, benchmarking
            }
            if (b0 >= 240) {
                return "reserved"; // 240.0.0.0/4 and the broadcast address
            }
            return null;
        }
        if ((b[0] & 0xfe) == 0xfc) {
            return "private"; // fc00::/7, unique local
        }
        if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0xc0) {
            return "private"; // fec0::/10, deprecated site-local
        }
        if (embedsIpv4(b)) {
            try {
                InetAddress embedded = InetAddress.getByAddress(new byte[] { b[12], b[13], b[14], b[15] });
                return forbiddenKind(embedded);
            } catch (UnknownHostException e) {
                return "reserved";
            }
        }
        return null;
    }

    /** IPv4-compatible (::a.b.c.d), IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) addresses. */
    private static boolean embedsIpv4(byte[] b) {
        boolean zeroPrefix = true;
        for (int i = 0; i < 10; i++) {
            zeroPrefix &= b[i] == 0;
        }
        if (zeroPrefix && ((b[10] == 0 && b[11] == 0) || (b[10] == (byte) 0xff && b[11] == (byte) 0xff))) {
            return true;
        }
        boolean nat64 = b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b;
        for (int i = 4; i < 12 && nat64; i++) {
            nat64 = b[i] == 0;
        }
        return nat64;
    }
}
