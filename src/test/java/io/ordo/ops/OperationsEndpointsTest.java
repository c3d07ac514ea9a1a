package io.ordo.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.notNullValue;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** Health, metrics and OpenAPI are open to anyone; the OpenAPI document describes every /v1 operation. */
@QuarkusTest
class OperationsEndpointsTest {

    @Test
    void livenessAndReadinessAreUpWithTheDatabaseChecked() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().log().ifValidationFails().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("Database connections health check")));
    }

    @Test
    void theBrokerIsInNeitherLivenessNorReadinessButReportedAsWellness() {
        given().get("/q/health/live").then().statusCode(200)
                .body("checks.name", org.hamcrest.Matchers.not(hasItem(containsString("messaging"))));
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", org.hamcrest.Matchers.everyItem(containsString("connections health check")));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> given().get("/q/health/well").statusCode() == 200);
        given().get("/q/health/well").then().statusCode(200).body("checks.name", hasItem("AMQP broker links"))
                .body("checks.name", hasItem("AMQP intake ordo.orders.in"))
                .body("checks.find { it.name == 'AMQP intake ordo.orders.in' }.status", org.hamcrest.Matchers.is("UP"));
    }

    @Test
    void metricsArePrometheusText() {
        io.ordo.support.Api.asAdmin().get("/v1/locations").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200).body(containsString("http_server_requests_seconds"))
                .body(containsString("ordo_outbox_lag_seconds"))
                .body(containsString("ordo_outbox_published_total"))
                .body(containsString("ordo_holds_expired_total"));
    }

    @Test
    void theOpenApiDocumentListsEveryOperationWithRolesAndProblems() {
        var doc = given().accept("application/json").get("/q/openapi?format=json").then().statusCode(200);
        doc.body("paths", hasKey("/v1/channels"))
                .body("paths", hasKey("/v1/channels/{code}"))
                .body("paths", hasKey("/v1/locations"))
                .body("paths", hasKey("/v1/locations/{code}"))
                .body("paths", hasKey("/v1/stock/{sku}"))
                .body("paths", hasKey("/v1/stock/{sku}/{location}"))
                .body("paths", hasKey("/v1/stock/{sku}/{location}/adjustments"))
                .body("paths", hasKey("/v1/orders"))
                .body("paths", hasKey("/v1/orders/batch"))
                .body("paths", hasKey("/v1/orders/{id}"))
                .body("paths", hasKey("/v1/orders/{id}/history"))
                .body("paths", hasKey("/v1/orders/{id}/cancel"))
                .body("paths", hasKey("/v1/orders/{id}/status"))
                .body("paths", hasKey("/v1/holds"))
                .body("paths", hasKey("/v1/holds/{id}"))
                .body("paths", hasKey("/v1/orders/{id}/shipments"))
                .body("paths", hasKey("/v1/orders/{id}/returns"))
                .body("paths", hasKey("/v1/returns/{id}"))
                .body("paths", hasKey("/v1/returns/{id}/receive"))
                .body("paths", hasKey("/v1/returns/{id}/refund"))
                .body("paths.'/v1/orders/{id}/shipments'.post.responses", hasKey("409"))
                .body("paths.'/v1/orders/{id}/shipments'.post.description", containsString("ordo-fulfillment"))
                .body("paths.'/v1/orders'.post.responses", hasKey("201"))
                .body("paths.'/v1/orders'.post.responses", hasKey("409"))
                .body("paths.'/v1/orders'.post.responses", hasKey("422"))
                .body("paths.'/v1/orders/{id}/cancel'.post.responses", hasKey("412"))
                .body("components.securitySchemes", hasKey("bearer"))
                .body("paths.'/v1/channels'.post.security", notNullValue())
                .body("paths.'/v1/channels'.post.description", containsString("ordo-admin"))
                .body("paths.'/v1/channels'.post.responses", hasKey("409"))
                .body("paths.'/v1/channels'.post.responses.'400'.content", hasKey("application/problem+json"))
                .body("paths.'/v1/stock/{sku}/{location}/adjustments'.post.responses", hasKey("401"))
                .body("paths.'/v1/stock/{sku}/{location}/adjustments'.post.responses", hasKey("403"))
                .body("components.schemas.CreateChannel.properties.code.examples", notNullValue())
                .body("paths.'/v1/ops/tick'.post.security", notNullValue())
                .body("paths.'/v1/ops/tick'.post.description", containsString("ordo-ops"))
                .body("paths.'/v1/ops/tick'.post.responses", hasKey("503"))
                .body("paths.'/v1/ops/due'.get.security", notNullValue())
                .body("components.schemas", hasKey("DutyRound"));
    }
}
