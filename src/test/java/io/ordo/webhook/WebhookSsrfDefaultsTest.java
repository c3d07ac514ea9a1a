package io.ordo.webhook;

import static io.ordo.support.Api.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.ordo.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** With the production defaults (no http, no private targets) the API refuses every non-public URL with a 400. */
@QuarkusTest
@TestProfile(WebhookSsrfDefaultsTest.ProductionDefaults.class)
class WebhookSsrfDefaultsTest {

    public static class ProductionDefaults implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ordo.webhooks.allow-http", "false", "ordo.webhooks.allow-private-networks", "false");
        }
    }

    @ParameterizedTest(name = "{0} -> 400 ({1})")
    @CsvSource({
            "http://93.184.216.34/hook, https",
            "https://127.0.0.1/hook, loopback",
            "https://10.0.0.8/hook, private",
            "https://172.16.5.4/hook, private",
            "https://192.168.0.1/hook, private",
            "https://169.254.169.254/latest/meta-data/, link-local",
            "https://[::1]/hook, loopback",
            "https://[fc00::1]/hook, private",
            "https://localhost/hook, loopback" })
    void nonPublicTargetsAreRefused(String url, String reason) {
        as(Tokens.admin()).body(Map.of("url", url, "events", List.of("order.created")))
                .post("/v1/webhooks").then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:ordo:problem:validation"))
                .body("errors[0].field", equalTo("url"))
                .body("errors[0].message", containsString(reason));
    }
}
