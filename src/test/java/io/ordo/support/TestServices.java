package io.ordo.support;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;

/**
 * The real services every Quarkus test runs against: PostgreSQL, an AMQP 1.0 broker and an OIDC issuer (WireMock
 * serving discovery and JWKS, so quarkus-oidc verifies real signatures). Tests carry {@code @WithTestResource}
 * through this class.
 */
@WithTestResource(value = PostgresTestDatabase.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ArtemisTestBroker.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
public final class TestServices {
    private TestServices() {
    }
}
