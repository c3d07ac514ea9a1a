package io.ordo.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The SSRF guard with the default configuration (https only, public addresses only), and with both flags on. */
class WebhookUrlGuardTest {
    static final WebhookUrlGuard DEFAULTS = new WebhookUrlGuard(false, false);
    static final WebhookUrlGuard PERMISSIVE = new WebhookUrlGuard(true, true);

    @ParameterizedTest(name = "{0} is refused: {1}")
    @CsvSource({
            "https://127.0.0.1/hook, loopback",
            "https://127.1.2.3:8443/hook, loopback",
            "https://10.1.2.3/hook, private",
            "https://172.16.0.1/hook, private",
            "https://172.31.255.254/hook, private",
            "https://192.168.1.10/hook, private",
            "https://169.254.169.254/latest/meta-data, link-local",
            "https://[::1]/hook, loopback",
            "https://[fc00::1]/hook, private",
            "https://[fd12:3456::1]/hook, private",
            "https://[fe80::1]/hook, link-local",
            "https://[::ffff:127.0.0.1]/hook, loopback",
            "https://[::ffff:10.0.0.1]/hook, private",
            "https://0.0.0.0/hook, unspecified",
            "https://[::]/hook, unspecified",
            "https://224.0.0.1/hook, multicast",
            "https://[ff02::1]/hook, multicast",
            "https://100.64.0.1/hook, private",
            "https://255.255.255.255/hook, reserved",
            "https://localhost/hook, loopback",
            "https://localhost:8443/hook, loopback" })
    void nonPublicTargetsAreRefusedByDefault(String url, String kind) {
        UrlRefused refused = refusal(DEFAULTS, url);
        assertTrue(refused.reason().contains(kind + " address"), refused.reason());
    }

    @ParameterizedTest(name = "{0} is refused")
    @ValueSource(strings = { "http://93.184.216.34/hook", "ftp://93.184.216.34/hook", "https://user:pw@93.184.216.34/",
            "https://93.184.216.34/hook#frag", "not a url", "/relative/path", "https:///nohost",
            "https://no-such-host.invalid/hook" })
    void malformedInsecureOrUnresolvableUrlsAreRefused(String url) {
        refusal(DEFAULTS, url);
    }

    @Test
    void aPublicHttpsTargetPassesWithItsAddressAndRequestUri() {
        WebhookUrlGuard.Target target = DEFAULTS.check("https://93.184.216.34:8443/shop/hooks?tenant=7")
                .await().atMost(Duration.ofSeconds(5));
        assertEquals("93.184.216.34", target.address().getHostAddress());
        assertEquals(8443, target.port());
        assertTrue(target.ssl());
        assertEquals("/shop/hooks?tenant=7", target.requestUri());
        WebhookUrlGuard.Target v6 = DEFAULTS.check("https://[2001:4860:4860::8888]/").await().atMost(Duration.ofSeconds(5));
        assertEquals(443, v6.port());
        assertEquals("/", v6.requestUri());
    }

    @Test
    void configurationCanAllowHttpAndPrivateTargets() {
        WebhookUrlGuard.Target target = PERMISSIVE.check("http://127.0.0.1:8080/hook").await()
                .atMost(Duration.ofSeconds(5));
        assertEquals(80 + 8000, target.port());
        PERMISSIVE.check("http://[::1]:9/x").await().atMost(Duration.ofSeconds(5));
        PERMISSIVE.check("https://192.168.1.1/x").await().atMost(Duration.ofSeconds(5));
    }

    @ParameterizedTest
    @ValueSource(strings = { "8.8.8.8", "1.1.1.1", "2001:4860:4860::8888", "172.32.0.1", "192.169.0.1", "11.0.0.1" })
    void publicAddressesAreNotClassified(String address) throws Exception {
        assertEquals(null, WebhookUrlGuard.forbiddenKind(InetAddress.getByName(address)));
    }

    private static UrlRefused refusal(WebhookUrlGuard guard, String url) {
        Throwable failure = guard.check(url).onItem().transform(t -> (Throwable) null)
                .onFailure().recoverWithItem(f -> f).await().atMost(Duration.ofSeconds(10));
        return assertInstanceOf(UrlRefused.class, failure, url);
    }
}
