package io.ordo.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.ordo.support.Api;
import io.ordo.support.Ids;
import io.ordo.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

/** Every endpoint against every kind of caller: no token, a bad token, each role. */
@QuarkusTest
class EndpointSecurityTest {
    static final String CHANNEL = "sec-channel";
    static final String LOCATION = "SEC-WH";
    static final String SKU = "SEC-SKU";
    static final String ORDER = "{\"channel\":\"" + CHANNEL + "\",\"externalId\":\"@new\",\"currency\":\"EUR\","
            + "\"customer\":{\"email\":\"a@example.com\"},\"shippingAddress\":{\"line1\":\"Rua A 1\","
            + "\"city\":\"Lisboa\",\"country\":\"PT\"},\"lines\":[{\"sku\":\"" + SKU
            + "\",\"quantity\":1,\"unitPrice\":\"1.00\"}]}";
    static final String LINES = "{\"lines\":[{\"sku\":\"" + SKU + "\",\"quantity\":1}]}";
    static final String SHIPMENT = "{\"location\":\"" + LOCATION + "\",\"lines\":[{\"sku\":\"" + SKU
            + "\",\"quantity\":1}],\"carrier\":\"DHL\",\"trackingNumber\":\"T-1\"}";
    static final String WEBHOOK = "{\"url\":\"http://127.0.0.1:9/sec\",\"events\":[\"hold.expired\"],"
            + "\"channel\":\"" + CHANNEL + "\"}";
    static final List<String> ROLES = List.of(Roles.ADMIN, Roles.FULFILLMENT, Roles.CHANNEL, "none");
    static boolean catalogueReady;

    /** One endpoint: how to call it, which roles may, and what success looks like. */
    record Endpoint(String method, String path, String body, Set<String> allowed, int success) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static Stream<Endpoint> endpoints() {
        Set<String> all = Set.of(Roles.ADMIN, Roles.FULFILLMENT, Roles.CHANNEL);
        Set<String> stockKeepers = Set.of(Roles.ADMIN, Roles.FULFILLMENT);
        return Stream.of(
                new Endpoint("POST", "/v1/channels", "{\"code\":\"@new\",\"name\":\"n\",\"type\":\"WEB\"}",
                        Set.of(Roles.ADMIN), 201),
                new Endpoint("GET", "/v1/channels", null, all, 200),
                new Endpoint("GET", "/v1/channels/" + CHANNEL, null, all, 200),
                new Endpoint("POST", "/v1/locations",
                        "{\"code\":\"@new\",\"name\":\"n\",\"type\":\"STORE\",\"priority\":3}", Set.of(Roles.ADMIN), 201),
                new Endpoint("GET", "/v1/locations", null, all, 200),
                new Endpoint("GET", "/v1/locations/" + LOCATION, null, all, 200),
                new Endpoint("PUT", "/v1/stock/" + SKU + "/" + LOCATION, "{\"onHand\":100000}", stockKeepers, 200),
                new Endpoint("POST", "/v1/stock/" + SKU + "/" + LOCATION + "/adjustments",
                        "{\"delta\":1,\"reason\":\"security test\"}", stockKeepers, 201),
                new Endpoint("GET", "/v1/stock/" + SKU, null, all, 200),
                new Endpoint("POST", "/v1/orders", ORDER, Set.of(Roles.ADMIN, Roles.CHANNEL), 201),
                new Endpoint("POST", "/v1/orders/batch", "{\"orders\":[" + ORDER + "]}",
                        Set.of(Roles.ADMIN, Roles.CHANNEL), 200),
                new Endpoint("GET", "/v1/orders", null, all, 200),
                new Endpoint("GET", "/v1/orders/@order", null, all, 200),
                new Endpoint("GET", "/v1/orders/@order/history", null, all, 200),
                new Endpoint("POST", "/v1/orders/@order/cancel", "{\"reason\":\"test\"}",
                        Set.of(Roles.ADMIN, Roles.CHANNEL), 200),
                new Endpoint("POST", "/v1/orders/@order/status", "{\"status\":\"PROCESSING\"}",
                        Set.of(Roles.ADMIN, Roles.FULFILLMENT), 200),
                new Endpoint("POST", "/v1/holds", "{\"channel\":\"" + CHANNEL + "\",\"lines\":[{\"sku\":\"" + SKU
                        + "\",\"quantity\":1}]}", Set.of(Roles.ADMIN, Roles.CHANNEL), 201),
                new Endpoint("GET", "/v1/holds/@hold", null, all, 200),
                new Endpoint("DELETE", "/v1/holds/@hold", null, Set.of(Roles.ADMIN, Roles.CHANNEL), 204),
                new Endpoint("POST", "/v1/orders/@order/shipments", SHIPMENT, stockKeepers, 201),
                new Endpoint("POST", "/v1/orders/@shipped/returns", LINES, all, 201),
                new Endpoint("GET", "/v1/returns/@return", null, all, 200),
                new Endpoint("POST", "/v1/returns/@return/receive", "{\"location\":\"" + LOCATION
                        + "\",\"lines\":[{\"sku\":\"" + SKU + "\",\"quantity\":1,\"restock\":true}]}",
                        stockKeepers, 200),
                new Endpoint("POST", "/v1/returns/@received/refund", "{\"amount\":\"1.00\"}", stockKeepers, 200),
                new Endpoint("POST", "/v1/webhooks", WEBHOOK, Set.of(Roles.ADMIN, Roles.CHANNEL), 201),
                new Endpoint("GET", "/v1/webhooks", null, Set.of(Roles.ADMIN, Roles.CHANNEL), 200),
                new Endpoint("GET", "/v1/webhooks/@webhook", null, Set.of(Roles.ADMIN, Roles.CHANNEL), 200),
                new Endpoint("PATCH", "/v1/webhooks/@webhook", "{\"description\":\"sec\"}",
                        Set.of(Roles.ADMIN, Roles.CHANNEL), 200),
                new Endpoint("POST", "/v1/webhooks/@webhook/rotate-secret", null, Set.of(Roles.ADMIN, Roles.CHANNEL), 200),
                new Endpoint("GET", "/v1/webhooks/@webhook/deliveries", null, Set.of(Roles.ADMIN, Roles.CHANNEL), 200),
                new Endpoint("DELETE", "/v1/webhooks/@webhook", null, Set.of(Roles.ADMIN, Roles.CHANNEL), 204),
                new Endpoint("POST", "/v1/channels/" + CHANNEL + "/inbound-secret", null, Set.of(Roles.ADMIN), 200));
    }

    static Stream<Arguments> endpointsByRole() {
        return endpoints().flatMap(e -> ROLES.stream().map(role -> Arguments.of(e, role)));
    }

    @BeforeEach
    void catalogue() {
        if (!catalogueReady) {
            Api.asAdmin().body(Map.of("code", CHANNEL, "name", "Security", "type", "WEB")).post("/v1/channels");
            Api.asAdmin().body(Map.of("code", LOCATION, "name", "Security", "type", "WAREHOUSE", "priority", 1))
                    .post("/v1/locations");
            Api.setStock(SKU, LOCATION, 10_000);
            catalogueReady = true;
        }
    }

    @ParameterizedTest(name = "{0} without a token -> 401")
    @MethodSource("endpoints")
    void withoutATokenIs401(Endpoint endpoint) {
        call(given(), endpoint).then().statusCode(401).header("WWW-Authenticate", startsWith("Bearer"));
    }

    @ParameterizedTest(name = "{0} with a tampered token -> 401")
    @MethodSource("endpoints")
    void withATamperedTokenIs401(Endpoint endpoint) {
        call(given().auth().oauth2(Tokens.tampered()), endpoint).then().statusCode(401);
    }

    @ParameterizedTest(name = "{0} with an expired token -> 401")
    @MethodSource("endpoints")
    void withAnExpiredTokenIs401(Endpoint endpoint) {
        call(given().auth().oauth2(Tokens.expired()), endpoint).then().statusCode(401);
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("endpointsByRole")
    void eachRoleGetsExactlyWhatItIsAllowed(Endpoint endpoint, String role) {
        String token = switch (role) {
            case Roles.ADMIN -> Tokens.admin();
            case Roles.FULFILLMENT -> Tokens.fulfillment();
            case Roles.CHANNEL -> Tokens.channel(CHANNEL);
            default -> Tokens.noRole();
        };
        var response = call(given().auth().oauth2(token), endpoint);
        if (endpoint.allowed().contains(role)) {
            response.then().statusCode(endpoint.success());
        } else {
            response.then().statusCode(403).contentType("application/problem+json").body("status", equalTo(403));
        }
    }

    private static io.restassured.response.Response call(RequestSpecification request, Endpoint endpoint) {
        RequestSpecification spec = request.accept("application/json");
        String path = endpoint.path();
        if (path.contains("@order")) {
            String id = Api.asAdmin().body(ORDER.replace("@new", Ids.unique("sec"))).post("/v1/orders")
                    .then().statusCode(201).extract().path("id");
            path = path.replace("@order", id);
        }
        if (path.contains("@shipped") || path.contains("@return") || path.contains("@received")) {
            String id = Api.asAdmin().body(ORDER.replace("@new", Ids.unique("sec"))).post("/v1/orders")
                    .then().statusCode(201).extract().path("id");
            Api.asAdmin().body(SHIPMENT).post("/v1/orders/{id}/shipments", id).then().statusCode(201);
            if (path.contains("@shipped")) {
                path = path.replace("@shipped", id);
            } else {
                String returnId = Api.asAdmin().body(LINES).post("/v1/orders/{id}/returns", id)
                        .then().statusCode(201).extract().path("id");
                if (path.contains("@received")) {
                    Api.asAdmin().body("{\"location\":\"" + LOCATION + "\",\"lines\":[{\"sku\":\"" + SKU
                            + "\",\"quantity\":1,\"restock\":false}]}").post("/v1/returns/{id}/receive", returnId)
                            .then().statusCode(200);
                }
                path = path.replace("@return", returnId).replace("@received", returnId);
            }
        }
        if (path.contains("@hold")) {
            path = path.replace("@hold", Api.hold(CHANNEL, SKU, 1));
        }
        if (path.contains("@webhook")) {
            String id = Api.asAdmin().body(WEBHOOK).post("/v1/webhooks").then().statusCode(201).extract().path("id");
            path = path.replace("@webhook", id);
        }
        if (endpoint.body() != null) {
            spec = spec.contentType("application/json").body(endpoint.body().replace("@new", Ids.unique("sec")));
        }
        return spec.request(endpoint.method(), path);
    }
}
